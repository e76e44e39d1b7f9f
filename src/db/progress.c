/* SQL of the progress scale (a plan's scheme: its levels, code format and
 * scale, sql/014) and of the health check. */
#include "progress.h"

#include <stdio.h>

#include "db_int.h"

/* clang-format off */
const struct db_stmt db_progress_stmts[] = {
    {"health_check", "SELECT 1", 0},
    /* $1 a plan (NULL: the reporting plan's, else the default scheme's).
     * "items" are the first scale's levels (the status of a record, its
     * filter and its requests); a plan of two scales (sql/015) has the
     * second's as "items2", named "scale2_name", so that no page mixes
     * the two. */
    {"status_list",
     "WITH sc AS (SELECT coalesce((SELECT scheme_id FROM plan"
     "  WHERE id = coalesce($1::int, report_plan(NULL, NULL))), 1) AS id),"
     " lv AS (SELECT s.scale, json_agg(json_build_object("
     " 'key', s.key, 'mark', s.mark, 'label', s.label, 'short', s.short,"
     " 'reason_required', s.reason_required, 'counts_as_late', s.counts_as_late,"
     " 'min_rate', s.min_rate, 'position', s.position, 'scale', s.scale)"
     " ORDER BY s.position) AS items FROM progress_status s, sc WHERE s.scheme_id = sc.id"
     " GROUP BY s.scale)"
     " SELECT json_build_object('scheme_id', sc.id, 'scale_name', x.scale_name,"
     " 'items', coalesce((SELECT items FROM lv WHERE scale = 1), '[]'),"
     " 'scale2_name', x.scale2_name, 'items2', (SELECT items FROM lv WHERE scale = 2))::text"
     " FROM sc JOIN scheme x ON x.id = sc.id"
     " WHERE $1::int IS NULL OR EXISTS (SELECT 1 FROM plan WHERE id = $1)",
     1},
    /* An admin defines draft plan $1's scheme from $2 (plan_scheme_define):
     * the new scheme's id, NULL for no such plan; then the definition as
     * stored, read by a statement of its own (which sees the write). */
    {"scheme_define", "SELECT plan_scheme_define($1, $2::jsonb)", 2},
    {"scheme_get", "SELECT scheme_json($1)::text", 1},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_health(struct db *db)
{
	if (db_ensure(db) != 0)
		return DB_AWAY;
	/* Anything but an answer means this worker cannot serve: DB_AWAY. */
	return dbi_do(db, "health_check", 0, NULL) == DB_OK ? DB_OK : DB_AWAY;
}

enum db_rc
db_status_list(struct db *db, int64_t plan, char **json)
{
	char pl[24];
	const char *p[1] = {dbi_opt(pl, plan)};

	return dbi_json(db, "status_list", 1, p, json);
}

struct define_tx {
	const char *p[2];
	char *json;
};

static enum db_rc
define_tx(struct db *db, void *arg)
{
	struct define_tx *t = arg;
	PGresult *r;
	char id[24];
	const char *p[1] = {id};
	enum db_rc rc = dbi_rows(db, "scheme_define", 2, t->p, &r);

	if (rc != DB_OK)
		return rc;
	rc = PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) ? DB_OK : DB_MISSING;
	if (rc == DB_OK)
		snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return rc == DB_OK ? dbi_json(db, "scheme_get", 1, p, &t->json) : rc;
}

enum db_rc
db_scheme_define(struct db *db, int user, int64_t plan, const char *definition, char **json)
{
	char id[24];
	struct define_tx t = {{dbi_int(id, plan), definition}, NULL};
	enum db_rc rc = dbi_settle(dbi_tx(db, user, "api", false, define_tx, &t), &t.json);

	*json = t.json;
	return rc;
}
