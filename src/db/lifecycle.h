/* A plan's lifecycle (draft → proposal → public_comment → adopted →
 * archived, and back to draft with a reason) and the writes of its
 * drafting timeline (milestones). Admins only: the statements say so, and
 * the row-level policies of sql/008 again. */
#ifndef SHINCHOKU_DB_LIFECYCLE_H
#define SHINCHOKU_DB_LIFECYCLE_H

#include <stdint.h>

#include "db.h"

/* {"plan": {id, title, state, adopted, version}, "next": [{to,
 * reason_required}], "items": [step …]}, *version the plan's; DB_MISSING
 * when there is no such plan. */
enum db_rc db_plan_steps(struct db *db, int64_t plan, char **json, int64_t *version);

struct db_plan_step {
	int64_t plan, version;     /* version: the plan's, as the client read it */
	const char *to;            /* a plan state */
	const char *reason;        /* "" when none */
	const char *adopted_month; /* YYYY-MM, or NULL: the plan's own */
};

/* user (an admin) takes plan one step, recorded in plan_transition.
 * Returns
 *   DB_OK       *json the lifecycle as db_plan_steps, *version_now;
 *   DB_STALE    s->version is not current: *json and *version_now as it
 *               is (nothing changed);
 *   DB_MISSING  no such plan;
 *   DB_DENIED   user is no admin;
 *   DB_REFUSED  not a step from the plan's state (23503
 *               plan_transition_step), no reason for a step back (23514
 *               plan_transition_reason), adoption without a month (23514
 *               plan_check);
 *   DB_AWAY, DB_BUG. */
enum db_rc db_plan_step_take(struct db *db, int user, const struct db_plan_step *s, char **json,
                             int64_t *version_now);

/* A milestone's fields; NULL (or -1 for the numbers) leaves one as it is.
 * Months are YYYY-MM; "" clears planned_end_month, actual_date and
 * completes, owner_department 0 clears it. */
struct db_milestone_edit {
	int64_t plan;        /* create: the plan */
	int64_t id, version; /* update: the milestone and the version read */
	const char *title, *planned_month, *planned_end_month, *planned_text;
	const char *actual_date, *state, *notes, *completes;
	int open_ended;           /* -1, 0, 1 */
	int64_t owner_department; /* -1, 0 (none), an id */
	int64_t position;         /* 0: keep (update) or last (create) */
};

/* Creates e->plan's milestone acting as user. Returns
 *   DB_OK       *json the milestone, *version its version;
 *   DB_MISSING  no such plan;   DB_DENIED  user is no admin;
 *   DB_REFUSED  a rule said no (end before start, done without a date, an
 *               unknown department);
 *   DB_AWAY, DB_BUG. */
enum db_rc db_milestone_create(struct db *db, int user, const struct db_milestone_edit *e,
                               char **json, int64_t *version);

/* Changes milestone e->id (and moves it to e->position, shifting the
 * others). Returns as db_milestone_create, and DB_STALE when e->version is
 * not current: *json and *version the milestone as it is. */
enum db_rc db_milestone_update(struct db *db, int user, const struct db_milestone_edit *e,
                               char **json, int64_t *version);

#endif
