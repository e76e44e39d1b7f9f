/* SQL of editing an activity's yearly record. Scoping is in the statement
 * (app_may_edit) and again in the row-level policy of activity_year. */
#include "edit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* One activity-year as the API shows it, and its version; $1 activity,
 * $2 fiscal year. updated_by: who wrote it last, by the audit log (null
 * when that was no user: the seed, a SQL session). */
#define YEAR_JSON                                                                                  \
	"SELECT json_build_object('activity_id', y.activity_id, 'fiscal_year', y.fiscal_year,"     \
	" 'status', y.status, 'status_mark', s.mark, 'status2', y.status2,"                        \
	" 'status2_mark', s2.mark, 'change_reason', y.change_reason,"                              \
	" 'result', y.result, 'plan_next', y.plan_next, 'version', y.version,"                     \
	" 'updated_at', y.updated_at,"                                                             \
	" 'updated_by', (SELECT CASE WHEN u.id IS NOT NULL THEN json_build_object('id', u.id,"     \
	"     'display_name', u.display_name) END"                                                 \
	"   FROM audit_log l LEFT JOIN app_user u ON u.id = l.user_id"                             \
	"   WHERE l.entity = 'activity_year'"                                                      \
	"     AND l.entity_id = y.activity_id || '/' || y.fiscal_year"                             \
	"   ORDER BY l.id DESC LIMIT 1),"                                                          \
	" 'pending_request', (SELECT json_build_object('id', r.id, 'status', r.to_status,"         \
	"     'requested_by', r.requested_by) FROM status_request r"                               \
	"   WHERE r.activity_id = y.activity_id AND r.fiscal_year = y.fiscal_year"                 \
	"     AND r.state = 'pending' ORDER BY r.scale LIMIT 1)," /* One pending request per scale \
	                                                             (sql/015); the one above is   \
	                                                             the first. */                 \
	" 'pending_requests', (SELECT coalesce(json_agg(json_build_object('id', r.id,"             \
	"     'scale', r.scale, 'status', r.to_status, 'requested_by', r.requested_by)"            \
	"     ORDER BY r.scale), '[]') FROM status_request r"                                      \
	"   WHERE r.activity_id = y.activity_id AND r.fiscal_year = y.fiscal_year"                 \
	"     AND r.state = 'pending'))::text, y.version"                                          \
	" FROM activity_year y"                                                                    \
	" LEFT JOIN progress_status s ON s.scheme_id = y.scheme_id AND s.key = y.status"           \
	" LEFT JOIN progress_status s2 ON s2.scheme_id = y.scheme_id AND s2.key = y.status2"       \
	" WHERE y.activity_id = $1 AND y.fiscal_year = $2"

/* clang-format off */
const struct db_stmt db_edit_stmts[] = {
    {"year_get", YEAR_JSON, 2},
    /* $3 the version the client read; NULL texts are left as they are. */
    {"year_update",
     "UPDATE activity_year y SET result = coalesce($4, y.result),"
     " plan_next = coalesce($5, y.plan_next), change_reason = coalesce($6, y.change_reason),"
     " version = y.version + 1, updated_at = now()"
     " WHERE y.activity_id = $1 AND y.fiscal_year = $2 AND y.version = $3"
     "   AND app_may_edit(y.activity_id, ARRAY['staff', 'manager', 'admin'])"
     " RETURNING y.version",
     6},
    /* Why an update matched nothing: does the record exist, and may this
     * user edit it. */
    {"year_why",
     "SELECT app_may_edit(y.activity_id, ARRAY['staff', 'manager', 'admin'])"
     " FROM activity_year y WHERE y.activity_id = $1 AND y.fiscal_year = $2",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */

/* Why the conditional update matched nothing: DB_MISSING (no record),
 * DB_DENIED (this user may not edit it), else DB_STALE with the record as
 * it is now in *json and *version; or the failure of a statement. */
static enum db_rc
year_refused(struct db *db, const char *const *key, char **json, int64_t *version)
{
	enum db_rc rc;

	if ((rc = dbi_may(db, "year_why", 2, key)) != DB_OK ||
	    (rc = dbi_json_version(db, "year_get", 2, key, json, version)) != DB_OK)
		return rc;
	return DB_STALE;
}

struct year_update {
	const char *p[6]; /* activity, year, version read, result, plan_next, change_reason */
	char *json;
	int64_t version;
};

/* Inside dbi_tx: DB_OK with the saved record, DB_STALE with the current
 * one, or why not (see db_year_update). */
static enum db_rc
year_update_tx(struct db *db, void *arg)
{
	struct year_update *u = arg;
	enum db_rc rc;
	int n;

	if ((rc = dbi_count(db, "year_update", 6, u->p, &n)) != DB_OK)
		return rc;
	if (n == 0)
		return year_refused(db, u->p, &u->json, &u->version);
	return dbi_json_version(db, "year_get", 2, u->p, &u->json, &u->version);
}

enum db_rc
db_year_update(struct db *db, int user, const struct db_year_edit *e, char **json, int64_t *version)
{
	char id[24], fy[24], ver[24];
	struct year_update u = {
	    {dbi_int(id, e->activity), dbi_int(fy, e->fiscal_year), dbi_int(ver, e->version),
	     e->result, e->plan_next, e->change_reason},
	    NULL,
	    0,
	};
	enum db_rc rc = dbi_settle(dbi_tx(db, user, "api", false, year_update_tx, &u), &u.json);

	*json = u.json;
	*version = u.version;
	return rc;
}
