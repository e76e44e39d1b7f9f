/* Plans with their goals and measures, the drafting timeline, and the
 * outcome indicators. */
#ifndef SHINCHOKU_DB_PLAN_H
#define SHINCHOKU_DB_PLAN_H

#include <stdint.h>

#include "db.h"

/* {"items": [plan …]}. */
enum db_rc db_plan_list(struct db *db, char **json);
/* One plan with its measures' appendix entries; DB_MISSING when none. */
enum db_rc db_plan_get(struct db *db, int64_t id, char **json);
/* {"plan": {…}, "today", "items": [milestone …], "next": [the next three
 * still to come]}; DB_MISSING when no such plan. */
enum db_rc db_milestone_list(struct db *db, int64_t plan, char **json);
/* {"items": [indicator …]} of plan (0: every plan). */
enum db_rc db_indicator_list(struct db *db, int64_t plan, char **json);

#endif
