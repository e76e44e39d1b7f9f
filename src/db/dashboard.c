/* SQL of the dashboard: one statement for every count it shows. */
#include "dashboard.h"

#include "db_int.h"

/* The counts of one group (kind, k) of c by one scale of the plan's scheme
 * (sc, sql/014 and 015): col the record's value of that scale (status or
 * status2), one entry per level of scale n, in its order; NULL for a
 * scale the scheme has not. */
#define SCALE_COUNTS(col, n)                                                                       \
	"(SELECT json_agg(json_build_object('status', s.key, 'mark', s.mark, 'count',"             \
	"   coalesce((SELECT sum(c2.n) FROM c c2 WHERE c2.kind = c.kind AND c2.k = c.k"            \
	"   AND c2." col " = s.key), 0)) ORDER BY s.position)"                                     \
	"   FROM progress_status s, sc WHERE s.scheme_id = sc.id AND s.scale = " n ")"

/* The counts of one group g (kind, k) of c: one per status of the plan's
 * first scale, then the records without a status and all of them; the
 * same of the second scale (counts2, unset2) for a scheme that has one,
 * else NULL. */
/* clang-format off */
#define GROUP_COUNTS                                                                               \
	"json_build_object('counts', " SCALE_COUNTS("status", "1") ","                             \
	" 'unset', coalesce(sum(c.n) FILTER (WHERE c.status IS NULL), 0), 'total', sum(c.n),"      \
	" 'counts2', " SCALE_COUNTS("status2", "2") ","                                            \
	" 'unset2', CASE WHEN (SELECT two FROM sc) THEN"                                           \
	"   coalesce(sum(c.n) FILTER (WHERE c.status2 IS NULL), 0) END)"
/* clang-format on */

/* clang-format off */
const struct db_stmt db_dashboard_stmts[] = {
    /* $1 fiscal year (NULL: the latest with records), $2 plan (NULL: all).
     * An activity of two departments counts for each. scale_name and
     * scale2_name (NULL: one scale) are the scheme's whose levels count. */
    {"dashboard",
     "WITH fy AS (SELECT coalesce($1::int, (SELECT max(fiscal_year) FROM activity_year)) AS v),"
     " sc AS (SELECT h.id, h.scale_name, h.scale2_name, h.scale2_name IS NOT NULL AS two"
     "        FROM scheme h WHERE h.id = coalesce((SELECT scheme_id FROM plan"
     "        WHERE id = coalesce($2::int, report_plan(NULL, NULL))), 1)),"
     " y AS (SELECT y.activity_id, y.fiscal_year, y.status, y.status2, m.goal_id"
     "       FROM activity_year y"
     "       JOIN activity a ON a.id = y.activity_id JOIN measure m ON m.id = a.measure_id"
     "       WHERE $2::int IS NULL OR a.plan_id = $2),"
     " c AS (SELECT 'year' AS kind, y.fiscal_year AS k, y.status, y.status2, count(*) AS n"
     "       FROM y GROUP BY y.fiscal_year, y.status, y.status2"
     "       UNION ALL SELECT 'goal', y.goal_id, y.status, y.status2, count(*) FROM y, fy"
     "       WHERE y.fiscal_year = fy.v GROUP BY y.goal_id, y.status, y.status2"
     "       UNION ALL SELECT 'department', ad.department_id, y.status, y.status2, count(*)"
     "       FROM y, fy, activity_department ad WHERE ad.activity_id = y.activity_id"
     "       AND y.fiscal_year = fy.v GROUP BY ad.department_id, y.status, y.status2),"
     " g AS (SELECT c.kind, c.k, " GROUP_COUNTS "::jsonb AS j FROM c GROUP BY c.kind, c.k) "
     "SELECT json_build_object('fiscal_year', fy.v, 'era', fiscal_era(fy.v),"
     " 'scale_name', (SELECT scale_name FROM sc), 'scale2_name', (SELECT scale2_name FROM sc),"
     " 'years', (SELECT coalesce(json_agg(g.j || jsonb_build_object('fiscal_year', g.k,"
     "   'era', fiscal_era(g.k)) ORDER BY g.k), '[]') FROM g WHERE g.kind = 'year'),"
     " 'goals', (SELECT coalesce(json_agg(g.j || jsonb_build_object('id', o.id,"
     "   'plan_id', o.plan_id, 'number', o.number, 'title', o.title)"
     "   ORDER BY o.plan_id, o.number), '[]') FROM g JOIN goal o ON o.id = g.k"
     "   WHERE g.kind = 'goal'),"
     " 'departments', (SELECT coalesce(json_agg(g.j || jsonb_build_object('id', d.id,"
     "   'name', d.name) ORDER BY d.name), '[]') FROM g JOIN department d ON d.id = g.k"
     "   WHERE g.kind = 'department'))::text FROM fy",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_dashboard(struct db *db, int64_t fiscal_year, int64_t plan, char **json)
{
	char fy[24], pl[24];
	const char *p[2] = {dbi_opt(fy, fiscal_year), dbi_opt(pl, plan)};

	return dbi_json(db, "dashboard", 2, p, json);
}
