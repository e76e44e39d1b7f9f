/* SQL of activities, their yearly records and departments. */
#include "activity.h"

#include "db_int.h"
#include "fragments.h"

/* SQL reads better laid out by hand. */
/* clang-format off */

/* Filters shared by the list and its count. Parameters: $1 plan, $2 goal,
 * $3 measure id or code, $4 department, $5 status key, $6 fiscal year,
 * $7 free text. The text is compared after NFKC and lower-casing on both
 * sides, so full-width ＡＩ finds AI and the reverse. */
#define ACTIVITY_MATCHED                                                                           \
	"WITH f AS (SELECT coalesce($6::int, (SELECT max(fiscal_year) FROM activity_year)) AS fy," \
	"                  nullif(lower(normalize($7::text, NFKC)), '') AS q), "                   \
	"matched AS (SELECT a.id, a.plan_id, a.name, g.id AS goal_id, g.number AS goal_number, "   \
	"  m.id AS measure_id, m.code, m.name AS measure_name, m.policy, m.number AS measure_no, " \
	"  pl.position, f.fy, y.status, y.change_reason, y.result, y.plan_next, y.version "        \
	" FROM f CROSS JOIN activity a "                                                           \
	" JOIN measure m ON m.id = a.measure_id JOIN goal g ON g.id = m.goal_id "                  \
	" JOIN placement pl ON pl.activity_id = a.id AND NOT pl.relisted "                         \
	" LEFT JOIN activity_year y ON y.activity_id = a.id AND y.fiscal_year = f.fy "             \
	" WHERE ($1::int IS NULL OR a.plan_id = $1) AND ($2::int IS NULL OR g.id = $2) "           \
	"   AND ($3::text IS NULL OR m.id::text = $3 OR m.code = $3) "                             \
	"   AND ($4::int IS NULL OR EXISTS (SELECT 1 FROM activity_department ad "                 \
	"        WHERE ad.activity_id = a.id AND ad.department_id = $4)) "                         \
	"   AND ($5::text IS NULL OR y.status = $5) "                                              \
	"   AND (f.q IS NULL OR strpos(lower(normalize(concat_ws(' ', a.name, y.result, "          \
	"        y.plan_next, y.change_reason, (SELECT string_agg(d.name, ' ') "                   \
	"        FROM activity_department ad JOIN department d ON d.id = ad.department_id "        \
	"        WHERE ad.activity_id = a.id)), NFKC)), f.q) > 0)) "

#define ACTIVITY_ORDER "x.plan_id, x.goal_number, x.policy, x.measure_no, x.position"

const struct db_stmt db_activity_stmts[] = {
	{"activity_list",
	 ACTIVITY_MATCHED ", page AS (SELECT * FROM matched x ORDER BY " ACTIVITY_ORDER
	 "  LIMIT $8 OFFSET $9) "
	 "SELECT json_build_object("
	 " 'items', (SELECT coalesce(json_agg(json_build_object("
	 "   'id', x.id, 'plan_id', x.plan_id, 'name', x.name,"
	 "   'goal', json_build_object('id', x.goal_id, 'number', x.goal_number),"
	 "   'measure', json_build_object('id', x.measure_id, 'code', x.code, 'name', x.measure_name),"
	 "   'position', x.position, 'departments', " DEPARTMENTS_JSON("x.id") ","
	 "   'fiscal_year', x.fy, 'status', x.status,"
	 "   'status_mark', (SELECT s.mark FROM progress_status s WHERE s.key = x.status),"
	 "   'change_reason', coalesce(x.change_reason, ''), 'result', coalesce(x.result, ''),"
	 "   'plan_next', coalesce(x.plan_next, ''), 'version', x.version)"
	 "   ORDER BY " ACTIVITY_ORDER "), '[]') FROM page x),"
	 " 'total', (SELECT count(*) FROM matched), 'limit', $8::int, 'offset', $9::int,"
	 " 'fiscal_year', (SELECT fy FROM f))::text",
	 9},
	{"activity_get",
	 "SELECT json_build_object('id', a.id, 'name', a.name,"
	 " 'plan', json_build_object('id', p.id, 'title', p.title),"
	 " 'goal', json_build_object('id', g.id, 'number', g.number, 'title', g.title),"
	 " 'measure', json_build_object('id', m.id, 'code', m.code, 'name', m.name),"
	 " 'position', pl.position, 'departments', " DEPARTMENTS_JSON("a.id") ","
	 " 'relistings', (SELECT coalesce(json_agg(json_build_object('measure_id', rm.id,"
	 "   'code', rm.code, 'position', r.position, 'label', coalesce(r.label, a.name))"
	 "   ORDER BY rm.plan_id, rm.code), '[]')"
	 "  FROM placement r JOIN measure rm ON rm.id = r.measure_id"
	 "  WHERE r.activity_id = a.id AND r.relisted),"
	 " 'years', (SELECT coalesce(json_agg(json_build_object('fiscal_year', y.fiscal_year,"
	 "   'status', y.status, 'status_mark', s.mark, 'change_reason', y.change_reason,"
	 "   'result', y.result, 'plan_next', y.plan_next, 'version', y.version,"
	 "   'updated_at', y.updated_at) ORDER BY y.fiscal_year), '[]')"
	 "  FROM activity_year y LEFT JOIN progress_status s ON s.key = y.status"
	 "  WHERE y.activity_id = a.id))::text "
	 "FROM activity a JOIN plan p ON p.id = a.plan_id JOIN measure m ON m.id = a.measure_id"
	 " JOIN goal g ON g.id = m.goal_id"
	 " JOIN placement pl ON pl.activity_id = a.id AND NOT pl.relisted "
	 "WHERE a.id = $1",
	 1},
	{"department_list",
	 "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
	 " 'id', d.id, 'name', d.name, 'activity_count', (SELECT count(*)"
	 "  FROM activity_department ad WHERE ad.department_id = d.id)) ORDER BY d.name), '[]'))::text "
	 "FROM department d",
	 0},
	{NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_activity_list(struct db *db, const struct db_activity_filter *f, char **json)
{
	char plan[24], goal[24], dept[24], fy[24], limit[24], offset[24];
	const char *p[9] = {
	    dbi_opt(plan, f->plan),
	    dbi_opt(goal, f->goal),
	    f->measure,
	    dbi_opt(dept, f->department),
	    f->status,
	    dbi_opt(fy, f->fiscal_year),
	    f->q,
	    dbi_int(limit, f->limit),
	    dbi_int(offset, f->offset),
	};

	return dbi_json(db, "activity_list", 9, p, json);
}

enum db_rc
db_activity_get(struct db *db, int64_t id, char **json)
{
	char s[24];
	const char *p[1] = {dbi_int(s, id)};

	return dbi_json(db, "activity_get", 1, p, json);
}

enum db_rc
db_department_list(struct db *db, char **json)
{
	return dbi_json(db, "department_list", 0, NULL, json);
}
