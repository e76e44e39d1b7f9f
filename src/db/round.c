/* SQL of reporting rounds (照会): open, progress per department, my
 * updates, close with a snapshot of the report. */
#include "round.h"

#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "fragments.h"

/* An activity-year was updated in round r when its record was saved
 * between the round's opening and closing (the audit log says when). */
#define UPDATED_IN_ROUND(y, r)                                                                     \
	"EXISTS (SELECT 1 FROM audit_log l WHERE l.entity = 'activity_year'"                       \
	" AND l.entity_id = " y ".activity_id || '/' || " y ".fiscal_year AND l.action = 'update'" \
	" AND l.at >= " r ".opened_at AND (" r ".closed_at IS NULL OR l.at <= " r ".closed_at))"

/* clang-format off */

/* Each department's share of the round's activity-years. */
#define ROUND_DEPARTMENTS(r)                                                                       \
	"(SELECT coalesce(json_agg(json_build_object('id', x.id, 'name', x.name,"                  \
	"   'total', x.total, 'updated', x.updated, 'remaining', x.total - x.updated,"             \
	"   'overdue', " r ".state = 'open' AND current_date > " r ".due_date"                     \
	"     AND x.updated < x.total) ORDER BY x.name), '[]')"                                    \
	" FROM (SELECT d.id, d.name, count(*) AS total,"                                           \
	"   count(*) FILTER (WHERE " UPDATED_IN_ROUND("y", r) ") AS updated"                       \
	"   FROM activity_year y JOIN activity_department ad ON ad.activity_id = y.activity_id"    \
	"   JOIN department d ON d.id = ad.department_id WHERE y.fiscal_year = " r ".fiscal_year"  \
	"   GROUP BY d.id, d.name) x)"

#define ROUND_JSON(r)                                                                              \
	"json_build_object('id', " r ".id, 'fiscal_year', " r ".fiscal_year,"                      \
	" 'era', fiscal_era(" r ".fiscal_year), 'due_date', " r ".due_date, 'state', " r ".state," \
	" 'opened_at', " r ".opened_at, 'closed_at', " r ".closed_at, 'version', " r ".version,"   \
	" 'overdue', " r ".state = 'open' AND current_date > " r ".due_date,"                      \
	" 'total', (SELECT count(*) FROM activity_year y WHERE y.fiscal_year = " r ".fiscal_year),"\
	" 'updated', (SELECT count(*) FROM activity_year y WHERE y.fiscal_year = " r ".fiscal_year"\
	"   AND " UPDATED_IN_ROUND("y", r) "),"                                                    \
	" 'departments', " ROUND_DEPARTMENTS(r) ")"

const struct db_stmt db_round_stmts[] = {
    {"round_list",
     "SELECT json_build_object('items', coalesce(json_agg(" ROUND_JSON("r")
     " ORDER BY r.fiscal_year DESC), '[]'))::text FROM reporting_round r",
     0},
    {"round_get", "SELECT " ROUND_JSON("r") "::text, r.version FROM reporting_round r WHERE r.id = $1", 1},
    /* Does the round exist, is the user an admin. */
    {"round_why", "SELECT " SQL_ACTING_ADMIN " FROM reporting_round r WHERE r.id = $1", 1},
    /* $1 fiscal year (open, with records), $2 due date. */
    {"round_open",
     "INSERT INTO reporting_round (fiscal_year, due_date, opened_by)"
     " SELECT f.year, $2, app_current_user() FROM fiscal_year f"
     " WHERE f.year = $1 AND NOT f.locked AND " SQL_ACTING_ADMIN
     " RETURNING id",
     2},
    /* $2 the version read. */
    {"round_close",
     "UPDATE reporting_round SET state = 'closed', closed_at = now(),"
     " closed_by = app_current_user(), version = version + 1"
     " WHERE id = $1 AND version = $2 AND state = 'open' AND " SQL_ACTING_ADMIN
     " RETURNING fiscal_year, version",
     2},
    /* The report as it stands, frozen for the closed round $1 of year $2. */
    {"round_snapshot",
     "INSERT INTO report_snapshot (round_id, fiscal_year, plan_id, appendix)"
     " SELECT $1, $2, report_plan($2, NULL), coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.seq), '[]')"
     " FROM report_appendix($2, NULL) r",
     2},
    /* What the signed-in user's department still has to update in round
     * $1 (an admin: everything left). */
    {"round_mine",
     "SELECT json_build_object('round_id', r.id, 'fiscal_year', r.fiscal_year,"
     " 'due_date', r.due_date, 'items', coalesce((SELECT json_agg(json_build_object("
     "   'activity_id', a.id, 'name', a.name, 'measure_code', m.code,"
     "   'departments', " DEPARTMENTS_JSON("a.id") ", 'fiscal_year', y.fiscal_year,"
     "   'version', y.version) ORDER BY m.goal_id, m.policy, m.number, a.id)"
     "  FROM activity_year y JOIN activity a ON a.id = y.activity_id"
     "  JOIN measure m ON m.id = a.measure_id"
     "  WHERE y.fiscal_year = r.fiscal_year"
     "    AND app_may_edit(a.id, ARRAY['staff', 'manager', 'admin'])"
     "    AND NOT " UPDATED_IN_ROUND("y", "r") "), '[]'))::text"
     " FROM reporting_round r WHERE r.id = $1",
     1},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_round_list(struct db *db, char **json)
{
	return dbi_json(db, "round_list", 0, NULL, json);
}

enum db_rc
db_round_get(struct db *db, int64_t id, char **json)
{
	char s[24];
	const char *p[1] = {dbi_int(s, id)};

	return dbi_json(db, "round_get", 1, p, json);
}

struct round_write {
	const char *p[2]; /* opening: year, due date; closing: id, the version read */
	char *json;
	int64_t version;
};

/* What a write hands back: the JSON on DB_OK and DB_STALE (with the
 * version when asked), nothing on any other outcome. Returns rc. */
static enum db_rc
finish(enum db_rc rc, struct round_write *w, char **json, int64_t *version)
{
	rc = dbi_settle(rc, &w->json);
	*json = w->json;
	if (version != NULL)
		*version = w->version;
	return rc;
}

/* Inside dbi_tx: DB_OK with the round opened, DB_MISSING when the year is
 * not open for a round, or the failure of a statement. */
static enum db_rc
open_tx(struct db *db, void *arg)
{
	struct round_write *w = arg;
	char id[24];
	const char *p[1] = {id};
	PGresult *r;
	enum db_rc rc;

	if ((rc = dbi_rows(db, "round_open", 2, w->p, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return DB_MISSING;
	}
	dbi_int(id, atoll(PQgetvalue(r, 0, 0)));
	PQclear(r);
	return dbi_json(db, "round_get", 1, p, &w->json);
}

enum db_rc
db_round_open(struct db *db, int user, int64_t fiscal_year, const char *due_date, char **json)
{
	char fy[24];
	struct round_write w = {{dbi_int(fy, fiscal_year), due_date}, NULL, 0};

	return finish(dbi_tx(db, user, "api", false, open_tx, &w), &w, json, NULL);
}

/* Inside dbi_tx: DB_OK with the round closed and its snapshot taken; when
 * the update matched nothing DB_MISSING, DB_DENIED or DB_STALE with the
 * round as it is; or the failure of a statement. */
static enum db_rc
close_tx(struct db *db, void *arg)
{
	struct round_write *w = arg;
	char fy[24];
	const char *snap[2] = {w->p[0], fy};
	PGresult *r;
	enum db_rc rc;

	if ((rc = dbi_rows(db, "round_close", 2, w->p, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		if ((rc = dbi_may(db, "round_why", 1, w->p)) != DB_OK ||
		    (rc = dbi_json_version(db, "round_get", 1, w->p, &w->json, &w->version)) !=
		        DB_OK)
			return rc;
		return DB_STALE;
	}
	dbi_int(fy, atoll(PQgetvalue(r, 0, 0)));
	PQclear(r);
	if ((rc = dbi_do(db, "round_snapshot", 2, snap)) != DB_OK)
		return rc;
	return dbi_json_version(db, "round_get", 1, w->p, &w->json, &w->version);
}

enum db_rc
db_round_close(struct db *db, int user, int64_t id, int64_t version, char **json,
               int64_t *version_now)
{
	char s[24], ver[24];
	struct round_write w = {{dbi_int(s, id), dbi_int(ver, version)}, NULL, 0};

	return finish(dbi_tx(db, user, "api", false, close_tx, &w), &w, json, version_now);
}

/* Inside dbi_tx, as round_mine reads app.user_id: the list, DB_MISSING
 * when there is no such round. */
static enum db_rc
mine_tx(struct db *db, void *arg)
{
	struct round_write *w = arg;

	return dbi_json(db, "round_mine", 1, w->p, &w->json);
}

enum db_rc
db_round_mine(struct db *db, int user, int64_t id, char **json)
{
	char s[24];
	struct round_write w = {{dbi_int(s, id)}, NULL, 0};

	return finish(dbi_tx(db, user, "api", false, mine_tx, &w), &w, json, NULL);
}
