/* Fiscal years: the list, opening the next one (rollover), locking. */
#ifndef SHINCHOKU_DB_FISCAL_H
#define SHINCHOKU_DB_FISCAL_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* {"items": [year ...]}. */
enum db_rc db_fiscal_list(struct db *db, char **json);

/* user (an admin) opens fiscal_year, the one after the latest: every
 * activity of the year before gets a record, its plan carried over, no
 * status yet. Returns
 *   DB_OK       *json the year opened;
 *   DB_STALE    fiscal_year is not the next year with records in the year
 *               before: *next is the one that is (0: none);
 *   DB_REFUSED, DB_AWAY, DB_BUG. */
enum db_rc db_fiscal_open(struct db *db, int user, int64_t fiscal_year, char **json, int64_t *next);

/* user (an admin) locks or unlocks fiscal_year, whose version the client
 * read. Returns
 *   DB_OK       *json the year as it is now, *version_now its version;
 *   DB_STALE    version is not current: *json and *version_now the year
 *               as it is (nothing changed);
 *   DB_MISSING  no such year;
 *   DB_DENIED   user is no admin;
 *   DB_REFUSED, DB_AWAY, DB_BUG. */
enum db_rc db_fiscal_lock(struct db *db, int user, int64_t fiscal_year, int64_t version,
                          bool locked, char **json, int64_t *version_now);

#endif
