/* The progress scale as the API shows it, and the health check. */
#ifndef SHINCHOKU_DB_PROGRESS_H
#define SHINCHOKU_DB_PROGRESS_H

#include <stdint.h>

#include "db.h"

/* DB_OK when the database answers a trivial query, else DB_AWAY. */
enum db_rc db_health(struct db *db);

/* {"scheme_id", "scale_name", "items": [{key, mark, label, short,
 * reason_required, counts_as_late, min_rate, position}]} of plan's scale
 * (0: the reporting plan's, else the default ◎○△×) in report order: the
 * one definition for the page. DB_MISSING: no such plan. */
enum db_rc db_status_list(struct db *db, int64_t plan, char **json);

/* Gives draft plan plan the scheme definition (JSON: name, scale_name,
 * levels, scale; docs/plan-format.md), as user: DB_OK with the plan's
 * scheme as stored (scheme_json, sql/014); DB_MISSING no such plan;
 * DB_REFUSED not a draft (SHDRF), yearly records (SHSFX), a bad
 * definition (23514 naming the field), a key another scheme holds
 * (23505), not an admin (42501); DB_AWAY, DB_BUG. */
enum db_rc db_scheme_define(struct db *db, int user, int64_t plan, const char *definition,
                            char **json);

#endif
