/* Reporting rounds (照会) of a fiscal year: open, progress per
 * department, what a department still has to update, close with a
 * snapshot of the report. */
#ifndef SHINCHOKU_DB_ROUND_H
#define SHINCHOKU_DB_ROUND_H

#include <stdint.h>

#include "db.h"

/* {"items": [round ...]}, the latest year first. */
enum db_rc db_round_list(struct db *db, char **json);
/* One round with its progress per department; DB_MISSING when none. */
enum db_rc db_round_get(struct db *db, int64_t id, char **json);

/* user (an admin) opens the round of fiscal_year, due on due_date
 * (YYYY-MM-DD). Returns
 *   DB_OK       *json the round opened;
 *   DB_MISSING  fiscal_year is not a year one can open a round for (no
 *               records yet, or locked);
 *   DB_REFUSED  a rule said no (23505: the year has its round already);
 *   DB_AWAY, DB_BUG. */
enum db_rc db_round_open(struct db *db, int user, int64_t fiscal_year, const char *due_date,
                         char **json);

/* user (an admin) closes open round id, whose version the client read,
 * freezing the year's report as a snapshot. Returns
 *   DB_OK       *json the round closed, *version_now its version;
 *   DB_STALE    version is not current or the round is closed already:
 *               *json and *version_now the round as it is (nothing changed);
 *   DB_MISSING  no such round;
 *   DB_DENIED   user is no admin;
 *   DB_REFUSED, DB_AWAY, DB_BUG. */
enum db_rc db_round_close(struct db *db, int user, int64_t id, int64_t version, char **json,
                          int64_t *version_now);

/* What user's department still has to update in round id (an admin:
 * everything left): {"round_id", "fiscal_year", "due_date", "items"}.
 * DB_MISSING when there is no such round. */
enum db_rc db_round_mine(struct db *db, int user, int64_t id, char **json);

#endif
