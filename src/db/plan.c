/* SQL of plans, their goals and measures, their drafting timeline and
 * outcome indicators (成果指標). PostgreSQL assembles the JSON, so each
 * request is one round trip. */
#include "plan.h"

#include "db_int.h"
#include "fragments.h"

/* SQL reads better laid out by hand. */
/* clang-format off */

/* A measure as listed under its goal; shared by the list and the detail. */
#define MEASURE_FIELDS                                                                             \
	"'id', m.id, 'code', m.code, 'policy', m.policy, 'number', m.number, 'name', m.name, "     \
	"'relisted_from', (SELECT r.code FROM measure r WHERE r.id = m.relisted_from_id), "        \
	"'activity_count', (SELECT count(*) FROM activity a WHERE a.measure_id = m.id)"

/* The appendix rows of measure m, re-listings (再掲) included, in order. */
#define MEASURE_ENTRIES                                                                            \
	"'entries', (SELECT coalesce(json_agg(json_build_object("                                  \
	"  'position', pl.position, 'activity_id', a.id, 'name', coalesce(pl.label, a.name), "     \
	"  'relisted', pl.relisted, "                                                              \
	"  'reported_under', CASE WHEN pl.relisted THEN "                                          \
	"    json_build_object('measure_id', hm.id, 'code', hm.code) END, "                        \
	"  'departments', CASE WHEN pl.show_departments THEN " DEPARTMENTS_JSON("a.id")            \
	"    ELSE '[]'::json END) ORDER BY pl.position), '[]') "                                    \
	" FROM placement pl JOIN activity a ON a.id = pl.activity_id "                             \
	" JOIN measure hm ON hm.id = a.measure_id WHERE pl.measure_id = m.id)"

#define PLAN_JSON(extra)                                                                           \
	"json_build_object('id', p.id, 'title', p.title, 'state', p.state, "                       \
	"'adopted', to_char(p.adopted_month, 'YYYY-MM'), "                                         \
	"'report_fiscal_year', p.report_fiscal_year, "                                             \
	"'scheme', scheme_json(p.scheme_id) || jsonb_build_object('fixed', plan_has_records(p.id)), " \
	"'goals', (SELECT coalesce(json_agg(json_build_object("                                    \
	"  'id', g.id, 'number', g.number, 'title', g.title, "                                     \
	"  'measures', (SELECT coalesce(json_agg(json_build_object(" MEASURE_FIELDS extra          \
	"    ) ORDER BY m.policy, m.number), '[]') FROM measure m WHERE m.goal_id = g.id)"         \
	"  ) ORDER BY g.number), '[]') FROM goal g WHERE g.plan_id = p.id))"

const struct db_stmt db_plan_stmts[] = {
    {"plan_list",
     "SELECT json_build_object('items', coalesce(json_agg(" PLAN_JSON("") " ORDER BY p.id), "
     "'[]'))::text FROM plan p",
     0},
    {"plan_get", "SELECT " PLAN_JSON(", " MEASURE_ENTRIES) "::text FROM plan p WHERE p.id = $1", 1},
    /* The timeline, and the next milestones still to come: neither done,
     * cancelled nor overdue, the earliest first. */
    {"milestone_list",
     "SELECT json_build_object("
     " 'plan', json_build_object('id', p.id, 'title', p.title, 'state', p.state),"
     " 'today', current_date,"
     " 'items', (SELECT coalesce(json_agg(" MILESTONE_JSON " ORDER BY ms.position), '[]')"
     "  FROM milestone ms WHERE ms.plan_id = p.id),"
     " 'next', (SELECT coalesce(json_agg(" MILESTONE_JSON
     "   ORDER BY ms.planned_month, ms.position), '[]')"
     "  FROM (SELECT * FROM milestone x WHERE x.plan_id = p.id"
     "   AND x.state NOT IN ('done', 'cancelled')"
     "   AND NOT milestone_overdue(x.state, x.planned_month, x.planned_end_month, x.open_ended)"
     "   ORDER BY x.planned_month, x.position LIMIT 3) ms))::text "
     "FROM plan p WHERE p.id = $1",
     1},
    {"indicator_list",
     "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
     " 'id', i.id, 'plan_id', i.plan_id,"
     " 'goal', json_build_object('id', g.id, 'number', g.number),"
     " 'position', i.position, 'name', i.name, 'unit', i.unit,"
     " 'notes', (SELECT coalesce(json_agg(json_build_object('mark', f.mark, 'text', f.body)"
     "   ORDER BY f.mark), '[]') FROM indicator_footnote x"
     "   JOIN footnote f ON f.plan_id = x.plan_id AND f.mark = x.mark"
     "   WHERE x.indicator_id = i.id),"
     /* On a scale with thresholds, an actual's achievement against the
      * target and its grade (indicator_grade, sql/014); none else. */
     " 'values', (SELECT coalesce(json_agg(jsonb_build_object('fiscal_year', v.fiscal_year,"
     "   'kind', v.kind, 'value', v.value, 'text', v.value_text)"
     "   || CASE WHEN gr.grade IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('rate', gr.rate,"
     "        'grade', gr.grade, 'grade_mark', gr.mark) END"
     "   ORDER BY v.kind, v.fiscal_year), '[]') FROM indicator_value v"
     "   LEFT JOIN LATERAL indicator_grade(i.id, v.fiscal_year) gr ON v.kind = 'actual'"
     "   WHERE v.indicator_id = i.id))"
     " ORDER BY i.plan_id, g.number, i.position), '[]'))::text "
     "FROM indicator i JOIN goal g ON g.id = i.goal_id WHERE ($1::int IS NULL OR i.plan_id = $1)",
     1},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_plan_list(struct db *db, char **json)
{
	return dbi_json(db, "plan_list", 0, NULL, json);
}

enum db_rc
db_plan_get(struct db *db, int64_t id, char **json)
{
	char s[24];
	const char *p[1] = {dbi_int(s, id)};

	return dbi_json(db, "plan_get", 1, p, json);
}

enum db_rc
db_milestone_list(struct db *db, int64_t plan, char **json)
{
	char s[24];
	const char *p[1] = {dbi_int(s, plan)};

	return dbi_json(db, "milestone_list", 1, p, json);
}

enum db_rc
db_indicator_list(struct db *db, int64_t plan, char **json)
{
	char s[24];
	const char *p[1] = {dbi_opt(s, plan)};

	return dbi_json(db, "indicator_list", 1, p, json);
}
