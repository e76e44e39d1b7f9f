/* Activities (実施内容), their yearly records and the departments. */
#ifndef SHINCHOKU_DB_ACTIVITY_H
#define SHINCHOKU_DB_ACTIVITY_H

#include <stdint.h>

#include "db.h"

/* The list's filters; 0 or NULL where absent. */
struct db_activity_filter {
	int64_t plan, goal, department, fiscal_year;
	const char *measure; /* an id or a code such as 1-1-① */
	const char *status;  /* a key of the scale */
	const char *q;       /* free text, matched width- and case-insensitively */
	int64_t limit, offset;
};

/* {"items": [...], "total", "limit", "offset", "fiscal_year"} into *json. */
enum db_rc db_activity_list(struct db *db, const struct db_activity_filter *f, char **json);
/* One activity with its relistings and every year; DB_MISSING when none. */
enum db_rc db_activity_get(struct db *db, int64_t id, char **json);
/* {"items": [{id, name, activity_count}]}. */
enum db_rc db_department_list(struct db *db, char **json);

#endif
