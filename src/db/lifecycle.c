/* SQL of a plan's lifecycle steps and of writing its milestones. The
 * rules live in the database (sql/008): which steps exist (plan_step),
 * that a step starts from the plan's state and has its reason, that the
 * state changes only with a recorded step, the milestone CHECKs; the
 * statements add the admin condition and optimistic locking. */
#include "lifecycle.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "fragments.h"

/* clang-format off */
const struct db_stmt db_lifecycle_stmts[] = {
    /* The plan, where it may go from here, and every step so far. */
    {"life_get",
     "SELECT json_build_object("
     " 'plan', json_build_object('id', p.id, 'title', p.title, 'state', p.state,"
     "   'adopted', to_char(p.adopted_month, 'YYYY-MM'), 'version', p.version),"
     " 'next', (SELECT coalesce(json_agg(json_build_object('to', s.to_state,"
     "   'reason_required', s.reason_required) ORDER BY s.reason_required, s.to_state), '[]')"
     "   FROM plan_step s WHERE s.from_state = p.state),"
     " 'items', (SELECT coalesce(json_agg(json_build_object('id', t.id, 'from', t.from_state,"
     "   'to', t.to_state, 'reason', t.reason, 'at', t.at,"
     "   'by', (SELECT json_build_object('id', u.id, 'login', u.login,"
     "     'display_name', u.display_name) FROM app_user u WHERE u.id = t.user_id))"
     "   ORDER BY t.at, t.id), '[]') FROM plan_transition t WHERE t.plan_id = p.id)"
     ")::text, p.version FROM plan p WHERE p.id = $1",
     1},
    /* $1 plan, $2 version read, $3 to, $4 reason. The plan row is locked
     * and its version checked again after any wait. */
    {"life_record",
     "INSERT INTO plan_transition (plan_id, from_state, to_state, reason, user_id)"
     " SELECT p.id, p.state, $3, $4, app_current_user() FROM plan p"
     " WHERE p.id = $1 AND p.version = $2 AND " SQL_ACTING_ADMIN " FOR UPDATE OF p"
     " RETURNING id",
     4},
    /* $5 the month of adoption (YYYY-MM), kept from the plan when NULL. */
    {"life_apply",
     "UPDATE plan SET state = $2::text,"
     " adopted_month = CASE WHEN $2::text = 'adopted' THEN coalesce(($3::text || '-01')::date, adopted_month)"
     "   ELSE adopted_month END,"
     " version = version + 1, updated_at = now() WHERE id = $1",
     3},
    {"life_why", "SELECT " SQL_ACTING_ADMIN " FROM plan WHERE id = $1", 1},
    {"ms_get", "SELECT " MILESTONE_JSON "::text, ms.version FROM milestone ms WHERE ms.id = $1", 1},
    {"ms_why", "SELECT " SQL_ACTING_ADMIN " FROM milestone WHERE id = $1", 1},
    /* $1 plan; then the fields as db_milestone_edit has them. Appended
     * last, under a lock of the plan so that two appends queue. */
    {"ms_insert",
     "INSERT INTO milestone (plan_id, position, title, planned_month, planned_end_month,"
     " planned_text, open_ended, actual_date, state, owner_department_id, notes, completes)"
     " SELECT p.id, coalesce((SELECT max(x.position) FROM milestone x WHERE x.plan_id = p.id), 0) + 1,"
     "  $2::text, ($3::text || '-01')::date, (nullif($4::text, '') || '-01')::date, coalesce($5::text, ''),"
     "  coalesce($6::boolean, false), nullif($7::text, '')::date, coalesce($8::text, 'planned'),"
     "  nullif($9::int, 0), coalesce($10::text, ''), nullif($11::text, '')"
     " FROM plan p WHERE p.id = $1 AND " SQL_ACTING_ADMIN " FOR UPDATE OF p"
     " RETURNING id",
     11},
    /* $1 id, $2 version read; NULL leaves a field as it is. A change of the
     * months without a new printed text drops the old one, which described
     * the old months. */
    {"ms_update",
     "UPDATE milestone m SET title = coalesce($3::text, m.title),"
     " planned_month = CASE WHEN $4::text IS NULL THEN m.planned_month ELSE ($4::text || '-01')::date END,"
     " planned_end_month = CASE WHEN $5::text IS NULL THEN m.planned_end_month"
     "   ELSE (nullif($5::text, '') || '-01')::date END,"
     " planned_text = coalesce($6::text, CASE WHEN $4::text IS NULL AND $5::text IS NULL AND $7::boolean IS NULL"
     "   THEN m.planned_text ELSE '' END),"
     " open_ended = coalesce($7::boolean, m.open_ended),"
     " actual_date = CASE WHEN $8::text IS NULL THEN m.actual_date ELSE nullif($8::text, '')::date END,"
     " state = coalesce($9::text, m.state),"
     " owner_department_id = CASE WHEN $10::int IS NULL THEN m.owner_department_id"
     "   ELSE nullif($10::int, 0) END,"
     " notes = coalesce($11::text, m.notes),"
     " completes = CASE WHEN $12::text IS NULL THEN m.completes ELSE nullif($12::text, '') END,"
     " version = m.version + 1, updated_at = now()"
     " WHERE m.id = $1 AND m.version = $2 AND " SQL_ACTING_ADMIN " RETURNING m.id",
     12},
    /* Moves milestone $1 to position $2 (1 .. the plan's count), the ones
     * in between one place the other way; the unique (plan, position) is
     * deferrable, so it is checked once the whole statement is done. The
     * others' versions move too: their position changed. */
    {"ms_move",
     "WITH cur AS (SELECT m.id, m.plan_id, m.position AS old,"
     "  greatest(1, least($2::int, (SELECT count(*) FROM milestone x"
     "   WHERE x.plan_id = m.plan_id)::int)) AS new FROM milestone m WHERE m.id = $1)"
     " UPDATE milestone t SET position = CASE WHEN t.id = cur.id THEN cur.new"
     "   WHEN cur.new < cur.old THEN t.position + 1 ELSE t.position - 1 END,"
     "  version = t.version + CASE WHEN t.id = cur.id THEN 0 ELSE 1 END, updated_at = now()"
     " FROM cur WHERE t.plan_id = cur.plan_id AND cur.old <> cur.new"
     "  AND t.position BETWEEN least(cur.old, cur.new) AND greatest(cur.old, cur.new)",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_plan_steps(struct db *db, int64_t plan, char **json, int64_t *version)
{
	char s[24];
	const char *p[1] = {dbi_int(s, plan)};

	*version = 0;
	return dbi_json_version(db, "life_get", 1, p, json, version);
}

/* Why a conditional write matched nothing: DB_MISSING (no row), DB_DENIED
 * (no admin), else DB_STALE with the record as it is now (get); or the
 * failure of a statement. */
static enum db_rc
refused(struct db *db, const char *why, const char *get, const char *key, char **json,
        int64_t *version)
{
	enum db_rc rc;

	if ((rc = dbi_may(db, why, 1, &key)) != DB_OK ||
	    (rc = dbi_json_version(db, get, 1, &key, json, version)) != DB_OK)
		return rc;
	return DB_STALE;
}

struct step_tx {
	const char *p[5]; /* plan, version, to, reason, adopted month */
	char *json;
	int64_t version;
};

/* Inside dbi_tx: DB_OK with the lifecycle after the step, DB_STALE with
 * it as it is, or why not (see db_plan_step_take). */
static enum db_rc
step_tx(struct db *db, void *arg)
{
	struct step_tx *t = arg;
	const char *apply[3] = {t->p[0], t->p[2], t->p[4]};
	enum db_rc rc;
	int n;

	if ((rc = dbi_count(db, "life_record", 4, t->p, &n)) != DB_OK)
		return rc;
	if (n == 0)
		return refused(db, "life_why", "life_get", t->p[0], &t->json, &t->version);
	if ((rc = dbi_do(db, "life_apply", 3, apply)) != DB_OK)
		return rc;
	return dbi_json_version(db, "life_get", 1, t->p, &t->json, &t->version);
}

enum db_rc
db_plan_step_take(struct db *db, int user, const struct db_plan_step *s, char **json,
                  int64_t *version_now)
{
	char id[24], ver[24];
	struct step_tx t = {
	    {dbi_int(id, s->plan), dbi_int(ver, s->version), s->to, s->reason ? s->reason : "",
	     s->adopted_month},
	    NULL,
	    0,
	};
	enum db_rc rc = dbi_settle(dbi_tx(db, user, "api", false, step_tx, &t), &t.json);

	*json = t.json;
	*version_now = t.version;
	return rc;
}

struct ms_tx {
	const struct db_milestone_edit *e;
	const char *p[12]; /* key (plan or id), [version], then the fields */
	char key[24], ver[24], pos[24], open[2], owner[24];
	char *json;
	int64_t version;
};

/* The fields of e into p[from ..]: title, planned_month, planned_end_month,
 * planned_text, open_ended, actual_date, state, owner_department, notes,
 * completes (the order of both statements). */
static void
ms_fields(struct ms_tx *t, int from)
{
	const struct db_milestone_edit *e = t->e;
	const char **p = t->p + from;

	p[0] = e->title, p[1] = e->planned_month, p[2] = e->planned_end_month;
	p[3] = e->planned_text;
	p[4] = e->open_ended < 0 ? NULL : (strcpy(t->open, e->open_ended ? "t" : "f"), t->open);
	p[5] = e->actual_date, p[6] = e->state;
	p[7] = e->owner_department < 0 ? NULL : dbi_int(t->owner, e->owner_department);
	p[8] = e->notes, p[9] = e->completes;
}

/* Moves the milestone whose id is in key when a position was asked, then
 * reads it back: DB_OK with *json, or the failure of a statement. */
static enum db_rc
ms_finish(struct db *db, struct ms_tx *t)
{
	const char *mv[2] = {t->key, dbi_int(t->pos, t->e->position)};
	enum db_rc rc;

	if (t->e->position > 0 && (rc = dbi_do(db, "ms_move", 2, mv)) != DB_OK)
		return rc;
	return dbi_json_version(db, "ms_get", 1, mv, &t->json, &t->version);
}

/* Inside dbi_tx: DB_OK with the new milestone, or DB_MISSING (no plan),
 * DB_DENIED (no admin), or the failure of a statement. */
static enum db_rc
create_tx(struct db *db, void *arg)
{
	struct ms_tx *t = arg;
	PGresult *r;
	enum db_rc rc;
	bool none;

	if ((rc = dbi_rows(db, "ms_insert", 11, t->p, &r)) != DB_OK)
		return rc;
	none = PQntuples(r) == 0;
	if (!none)
		snprintf(t->key, sizeof t->key, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (none) {
		const char *plan = t->p[0];

		rc = dbi_may(db, "life_why", 1, &plan);
		return rc == DB_OK ? DB_BUG
		                   : rc; /* an admin and a plan: the insert would have run */
	}
	return ms_finish(db, t);
}

/* Inside dbi_tx: DB_OK with the milestone as saved, DB_STALE with it as
 * it is, or why not (see db_milestone_update). */
static enum db_rc
update_tx(struct db *db, void *arg)
{
	struct ms_tx *t = arg;
	enum db_rc rc;
	int n;

	if ((rc = dbi_count(db, "ms_update", 12, t->p, &n)) != DB_OK)
		return rc;
	if (n == 0)
		return refused(db, "ms_why", "ms_get", t->key, &t->json, &t->version);
	return ms_finish(db, t);
}

enum db_rc
db_milestone_create(struct db *db, int user, const struct db_milestone_edit *e, char **json,
                    int64_t *version)
{
	struct ms_tx t = {.e = e};
	char plan[24];
	enum db_rc rc;

	t.p[0] = dbi_int(plan, e->plan);
	ms_fields(&t, 1);
	rc = dbi_settle(dbi_tx(db, user, "api", false, create_tx, &t), &t.json);
	*json = t.json;
	*version = t.version;
	return rc;
}

enum db_rc
db_milestone_update(struct db *db, int user, const struct db_milestone_edit *e, char **json,
                    int64_t *version)
{
	struct ms_tx t = {.e = e};
	enum db_rc rc;

	t.p[0] = dbi_int(t.key, e->id);
	t.p[1] = dbi_int(t.ver, e->version);
	ms_fields(&t, 2);
	rc = dbi_settle(dbi_tx(db, user, "api", false, update_tx, &t), &t.json);
	*json = t.json;
	*version = t.version;
	return rc;
}
