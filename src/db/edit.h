/* Editing an activity's yearly record (its texts), with optimistic
 * locking: the caller names the version it read. */
#ifndef SHINCHOKU_DB_EDIT_H
#define SHINCHOKU_DB_EDIT_H

#include <stdint.h>

#include "db.h"

/* The texts of one activity-year; a NULL text is left as it is. */
struct db_year_edit {
	int64_t activity, fiscal_year;
	int64_t version; /* the version the client read (If-Match) */
	const char *result, *plan_next, *change_reason;
};

/* Saves e acting as user, in one transaction. Returns
 *   DB_OK       *json the record as saved, *version its new version;
 *   DB_STALE    e->version is not current: *json the record as it is now,
 *               *version its version (nothing was saved);
 *   DB_MISSING  the activity has no record for that year;
 *   DB_DENIED   user may not edit this activity;
 *   DB_REFUSED  a rule said no (a locked year: SQLSTATE SHLCK);
 *   DB_AWAY, DB_BUG.
 * *json (the caller frees) is NULL on every other outcome. */
enum db_rc db_year_update(struct db *db, int user, const struct db_year_edit *e, char **json,
                          int64_t *version);

#endif
