/* SQL of writing the next plan (sql/010_drafting.sql says the rules): the
 * structure of a draft, proposals, carry-over, the comparison, and the
 * indicators. Every write is one dbi_tx: a guard (the record is there, its
 * plan is a draft — drafting_editable() refuses otherwise — and the user is
 * an admin), the conditional write on the version read, and the record as
 * it is afterwards. Scoping is in the statements and again in the policies
 * of sql/010. */
#include "drafting.h"

#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "fragments.h"

/* SQL reads better laid out by hand. */
/* clang-format off */

/* An activity (alias a) with its place, departments and origin. */
#define DR_ACTIVITY_JSON                                                                           \
	"json_build_object('id', a.id, 'plan_id', a.plan_id, 'measure_id', a.measure_id,"          \
	" 'measure_code', (SELECT m.code FROM measure m WHERE m.id = a.measure_id),"               \
	" 'name', a.name,"                                                                         \
	" 'position', (SELECT pl.position FROM placement pl"                                       \
	"   WHERE pl.activity_id = a.id AND NOT pl.relisted),"                                     \
	" 'departments', (SELECT coalesce(json_agg(json_build_object('id', d.id, 'name', d.name,"  \
	"   'position', ad.position) ORDER BY ad.position), '[]') FROM activity_department ad"      \
	"   JOIN department d ON d.id = ad.department_id WHERE ad.activity_id = a.id),"            \
	" 'origin', (SELECT json_build_object('id', o.id, 'plan_id', o.plan_id, 'name', o.name)"   \
	"   FROM activity o WHERE o.id = a.origin_activity_id),"                                   \
	" 'version', a.version)"

/* A measure (alias m) with its activities in their order. */
#define DR_MEASURE_JSON                                                                            \
	"json_build_object('id', m.id, 'plan_id', m.plan_id, 'goal_id', m.goal_id,"                \
	" 'code', m.code, 'policy', m.policy, 'number', m.number, 'name', m.name,"                 \
	" 'origin', (SELECT json_build_object('id', o.id, 'plan_id', o.plan_id, 'code', o.code,"   \
	"   'name', o.name) FROM measure o WHERE o.id = m.origin_measure_id),"                     \
	" 'version', m.version,"                                                                   \
	" 'activities', (SELECT coalesce(json_agg(" DR_ACTIVITY_JSON " ORDER BY pl.position), '[]')" \
	"   FROM activity a JOIN placement pl ON pl.activity_id = a.id AND NOT pl.relisted"        \
	"   WHERE a.measure_id = m.id))"

#define DR_GOAL_JSON                                                                               \
	"json_build_object('id', g.id, 'plan_id', g.plan_id, 'number', g.number, 'title', g.title," \
	" 'version', g.version)"

#define DR_PROPOSAL_JSON                                                                           \
	"json_build_object('id', r.id, 'plan_id', r.plan_id, 'measure_id', r.measure_id,"          \
	" 'measure_code', (SELECT m.code FROM measure m WHERE m.id = r.measure_id),"               \
	" 'department', (SELECT json_build_object('id', d.id, 'name', d.name) FROM department d"   \
	"   WHERE d.id = r.department_id),"                                                        \
	" 'name', r.name, 'note', r.note,"                                                         \
	" 'proposed_by', (SELECT json_build_object('id', u.id, 'display_name', u.display_name)"    \
	"   FROM app_user u WHERE u.id = r.proposed_by), 'proposed_at', r.proposed_at,"            \
	" 'state', r.state, 'decided_by', (SELECT json_build_object('id', u.id,"                   \
	"   'display_name', u.display_name) FROM app_user u WHERE u.id = r.decided_by),"           \
	" 'decided_at', r.decided_at, 'comment', r.comment, 'activity_id', r.activity_id,"         \
	" 'version', r.version)"

/* An indicator (alias i) with its footnotes and its values, each with its
 * version (for If-Match). */
#define DR_INDICATOR_JSON                                                                          \
	"json_build_object('id', i.id, 'plan_id', i.plan_id,"                                      \
	" 'goal', (SELECT json_build_object('id', g.id, 'number', g.number) FROM goal g"           \
	"   WHERE g.id = i.goal_id),"                                                              \
	" 'position', i.position, 'name', i.name, 'unit', i.unit, 'version', i.version,"           \
	" 'notes', (SELECT coalesce(json_agg(json_build_object('mark', f.mark,"                    \
	"   'number', substr(f.mark, 2)::int, 'text', f.body, 'version', f.version)"               \
	"   ORDER BY substr(f.mark, 2)::int), '[]') FROM indicator_footnote x"                     \
	"   JOIN footnote f ON f.plan_id = x.plan_id AND f.mark = x.mark WHERE x.indicator_id = i.id)," \
	" 'values', (SELECT coalesce(json_agg(" DR_VALUE_JSON " ORDER BY v.kind, v.fiscal_year), '[]')" \
	"   FROM indicator_value v WHERE v.indicator_id = i.id))"

#define DR_VALUE_JSON                                                                              \
	"json_build_object('indicator_id', v.indicator_id, 'fiscal_year', v.fiscal_year,"          \
	" 'kind', v.kind, 'value', v.value, 'text', v.value_text, 'version', v.version,"           \
	" 'updated_at', v.updated_at)"

#define DR_FOOTNOTE_JSON                                                                           \
	"json_build_object('plan_id', f.plan_id, 'mark', f.mark, 'number', substr(f.mark, 2)::int," \
	" 'text', f.body, 'version', f.version)"

/* What a removal takes with it, within the draft: $1 the goal, measure or
 * activity. SCOPE_M: the measures removed; SCOPE_A: the activities. */
#define SCOPE_M_GOAL    "SELECT m.id FROM measure m WHERE m.goal_id = $1"
#define SCOPE_A_GOAL    "SELECT a.id FROM activity a JOIN measure m ON m.id = a.measure_id WHERE m.goal_id = $1"
#define SCOPE_M_MEASURE "SELECT $1::int"
#define SCOPE_A_MEASURE "SELECT a.id FROM activity a WHERE a.measure_id = $1"
#define SCOPE_M_NONE    "SELECT NULL::int WHERE false"
#define SCOPE_A_ONE     "SELECT $1::int"
/* The placements (its own and re-listings elsewhere) and departments of
 * the activities removed, and the re-listings placed under the measures
 * removed. */
#define CASCADE(name, sm, sa)                                                                      \
	{"dr_cut_pl_" name, "DELETE FROM placement WHERE activity_id IN (" sa ")"                  \
	 " OR measure_id IN (" sm ")", 1},                                                          \
	{"dr_cut_ad_" name, "DELETE FROM activity_department WHERE activity_id IN (" sa ")", 1}

/* The places of plan $1's activities as 1, 2, … in each measure, with the
 * reported placement of activity $2 (NULL: none) moved to place $3 (NULL:
 * the end) of its measure. */
#define PLACE_ORDER                                                                                \
	"WITH me AS (SELECT pl.id, pl.measure_id FROM placement pl"                                \
	"   WHERE pl.activity_id = $2 AND NOT pl.relisted),"                                       \
	" o AS (SELECT pl.id, pl.measure_id,"                                                      \
	"   row_number() OVER (PARTITION BY pl.measure_id ORDER BY pl.position) AS rn"             \
	"   FROM placement pl JOIN measure m ON m.id = pl.measure_id"                              \
	"   WHERE m.plan_id = $1 AND pl.id IS DISTINCT FROM (SELECT id FROM me)),"                 \
	" t AS (SELECT me.id, me.measure_id, least(coalesce($3::int, 2147483647),"                 \
	"   (SELECT count(*) + 1 FROM o WHERE o.measure_id = me.measure_id)) AS t FROM me),"       \
	" x AS (SELECT o.id, o.rn + CASE WHEN o.rn >= t.t THEN 1 ELSE 0 END AS pos"                \
	"   FROM o LEFT JOIN t ON t.measure_id = o.measure_id"                                     \
	"   UNION ALL SELECT t.id, t.t FROM t)"                                                    \
	" UPDATE placement pl SET position = x.pos FROM x WHERE pl.id = x.id AND pl.position <> x.pos"

const struct db_stmt db_drafting_stmts[] = {
    /* ---- guards: (may, plan) of the record, none when it is not there */
    {"dr_may_plan", "SELECT drafting_editable(p.id), p.id FROM plan p WHERE p.id = $1", 1},
    {"dr_may_goal", "SELECT drafting_editable(g.plan_id), g.plan_id FROM goal g WHERE g.id = $1", 1},
    {"dr_may_measure",
     "SELECT drafting_editable(m.plan_id), m.plan_id FROM measure m WHERE m.id = $1", 1},
    {"dr_may_activity",
     "SELECT drafting_editable(a.plan_id), a.plan_id FROM activity a WHERE a.id = $1", 1},
    {"dr_may_indicator",
     "SELECT drafting_editable(i.plan_id), i.plan_id FROM indicator i WHERE i.id = $1", 1},
    {"dr_may_proposal",
     "SELECT drafting_editable(r.plan_id), r.plan_id FROM activity_proposal r WHERE r.id = $1", 1},
    /* Values and footnotes are corrected in any plan (the current plan's
     * actuals come in every year): only the admin is asked. */
    {"dr_may_values", "SELECT " SQL_ACTING_ADMIN ", i.plan_id FROM indicator i WHERE i.id = $1", 1},
    {"dr_may_notes", "SELECT " SQL_ACTING_ADMIN ", p.id FROM plan p WHERE p.id = $1", 1},
    /* A proposal: the plan is a draft (else SHDRF), the user may propose
     * for department $2 (their own; an admin any). */
    {"dr_may_propose",
     "SELECT drafting_editable(p.id) OR EXISTS (SELECT 1 FROM app_user u"
     "   WHERE u.id = app_current_user() AND u.active AND u.role IN ('staff', 'manager')"
     "   AND u.department_id = $2), p.id FROM plan p WHERE p.id = $1",
     2},

    /* ---- reads: (json, version) */
    {"dr_goal_get", "SELECT " DR_GOAL_JSON "::text, g.version FROM goal g WHERE g.id = $1", 1},
    {"dr_measure_get", "SELECT " DR_MEASURE_JSON "::text, m.version FROM measure m WHERE m.id = $1", 1},
    {"dr_activity_get",
     "SELECT " DR_ACTIVITY_JSON "::text, a.version FROM activity a WHERE a.id = $1", 1},
    {"dr_proposal_get",
     "SELECT " DR_PROPOSAL_JSON "::text, r.version FROM activity_proposal r WHERE r.id = $1", 1},
    {"dr_indicator_get",
     "SELECT " DR_INDICATOR_JSON "::text, i.version FROM indicator i WHERE i.id = $1", 1},
    {"dr_value_get",
     "SELECT " DR_VALUE_JSON "::text, v.version FROM indicator_value v"
     " WHERE v.indicator_id = $1 AND v.fiscal_year = $2 AND v.kind = $3",
     3},
    {"dr_footnote_get",
     "SELECT " DR_FOOTNOTE_JSON "::text, f.version FROM footnote f"
     " WHERE f.plan_id = $1 AND f.mark = '※' || $2::int",
     2},

    /* ---- goals */
    {"dr_goal_insert",
     "INSERT INTO goal (plan_id, number, title) VALUES ($1, $2, $3) RETURNING id", 3},
    {"dr_goal_update",
     "UPDATE goal SET number = coalesce($3::int, number), title = coalesce($4, title),"
     " version = version + 1 WHERE id = $1 AND version = $2 RETURNING id",
     4},
    /* A goal's measures' codes begin with its number. */
    {"dr_goal_codes",
     "UPDATE measure m SET code = g.number || substr(m.code, strpos(m.code, '-')),"
     " version = m.version + 1 FROM goal g"
     " WHERE g.id = $1 AND m.goal_id = g.id AND code_part(m.code, 1) <> g.number",
     1},
    CASCADE("goal", SCOPE_M_GOAL, SCOPE_A_GOAL),
    {"dr_cut_act_goal", "DELETE FROM activity WHERE id IN (" SCOPE_A_GOAL ")", 1},
    {"dr_cut_rel_goal",
     "UPDATE measure SET relisted_from_id = NULL WHERE relisted_from_id IN (" SCOPE_M_GOAL ")", 1},
    {"dr_cut_ms_goal", "DELETE FROM measure WHERE goal_id = $1", 1},
    {"dr_goal_delete", "DELETE FROM goal WHERE id = $1 AND version = $2 RETURNING id", 2},

    /* ---- measures: the code names the goal (drafting_goal_of) */
    {"dr_measure_insert",
     "INSERT INTO measure (plan_id, goal_id, policy, number, code, name)"
     " VALUES ($1, drafting_goal_of($1, $2), coalesce(code_part($2, 2), 1),"
     "  code_number($2), drafting_code($2), $3) RETURNING id",
     3},
    {"dr_measure_update",
     "UPDATE measure m SET"
     " goal_id = CASE WHEN $3::text IS NULL THEN m.goal_id ELSE drafting_goal_of(m.plan_id, $3) END,"
     " policy = coalesce(code_part($3, 2), m.policy),"
     " number = coalesce(code_number($3), m.number),"
     " code = coalesce(drafting_code($3), m.code), name = coalesce($4, m.name),"
     " version = m.version + 1 WHERE m.id = $1 AND m.version = $2 RETURNING m.id",
     4},
    CASCADE("measure", SCOPE_M_MEASURE, SCOPE_A_MEASURE),
    {"dr_cut_act_measure", "DELETE FROM activity WHERE id IN (" SCOPE_A_MEASURE ")", 1},
    {"dr_cut_rel_measure", "UPDATE measure SET relisted_from_id = NULL WHERE relisted_from_id = $1", 1},
    {"dr_measure_delete", "DELETE FROM measure WHERE id = $1 AND version = $2 RETURNING id", 2},

    /* ---- activities: a new one is placed at the end, then moved */
    {"dr_activity_insert",
     "INSERT INTO activity (plan_id, measure_id, name) SELECT m.plan_id, m.id, $2"
     " FROM measure m WHERE m.id = $1 RETURNING id",
     2},
    /* $1 activity: its reported placement, after the measure's last. */
    {"dr_place_new",
     "INSERT INTO placement (measure_id, position, activity_id)"
     " SELECT a.measure_id, (SELECT coalesce(max(pl.position), 0) + 1 FROM placement pl"
     "   WHERE pl.measure_id = a.measure_id), a.id FROM activity a WHERE a.id = $1",
     1},
    {"dr_place_order", PLACE_ORDER, 3},
    {"dr_defer_places", "SET CONSTRAINTS placement_measure_id_position_key DEFERRED", 0},
    /* The activity and its reported placement move together: one
     * statement, so that the foreign key between them holds at its end. */
    {"dr_activity_update",
     "WITH a AS (UPDATE activity SET name = coalesce($3, name),"
     "   measure_id = coalesce($4::int, measure_id), version = version + 1"
     "   WHERE id = $1 AND version = $2 RETURNING id, measure_id),"
     " p AS (UPDATE placement pl SET measure_id = a.measure_id,"
     "   position = CASE WHEN pl.measure_id = a.measure_id THEN pl.position"
     "     ELSE pl.position + 100000 END"
     "   FROM a WHERE pl.activity_id = a.id AND NOT pl.relisted RETURNING 1)"
     " SELECT id FROM a",
     4},
    CASCADE("activity", SCOPE_M_NONE, SCOPE_A_ONE),
    {"dr_activity_delete", "DELETE FROM activity WHERE id = $1 AND version = $2 RETURNING id", 2},
    /* Departments are part of their activity: each change bumps its
     * version. */
    {"dr_activity_bump",
     "UPDATE activity SET version = version + 1 WHERE id = $1"
     " AND ($2::int IS NULL OR version = $2) RETURNING id",
     2},
    {"dr_dept_insert",
     "INSERT INTO activity_department (activity_id, department_id, position)"
     " VALUES ($1, $2, 100000)",
     2},
    {"dr_dept_delete",
     "DELETE FROM activity_department WHERE activity_id = $1 AND department_id = $2", 2},
    {"dr_dept_there",
     "SELECT 1 FROM activity_department WHERE activity_id = $1 AND department_id = $2", 2},
    {"dr_defer_depts", "SET CONSTRAINTS activity_department_activity_id_position_key DEFERRED", 0},
    /* Positions 1, 2, … with department $2 (NULL: none) at $3 (NULL: last). */
    {"dr_dept_order",
     "WITH o AS (SELECT department_id, row_number() OVER (ORDER BY position) AS rn"
     "   FROM activity_department WHERE activity_id = $1 AND department_id IS DISTINCT FROM $2),"
     " t AS (SELECT least(coalesce($3::int, 2147483647), (SELECT count(*) + 1 FROM o)) AS t),"
     " x AS (SELECT o.department_id, o.rn + CASE WHEN o.rn >= t.t THEN 1 ELSE 0 END AS pos FROM o, t"
     "   UNION ALL SELECT ad.department_id, t.t FROM activity_department ad, t"
     "   WHERE ad.activity_id = $1 AND ad.department_id = $2)"
     " UPDATE activity_department ad SET position = x.pos FROM x"
     " WHERE ad.activity_id = $1 AND ad.department_id = x.department_id AND ad.position <> x.pos",
     3},

    /* ---- carry-over: $1 the draft, $2 a measure of another plan, $3 its
     * code in the draft (NULL: the same) */
    {"dr_carry_measure",
     "INSERT INTO measure (plan_id, goal_id, policy, number, code, name, origin_measure_id)"
     " SELECT $1, drafting_goal_of($1, coalesce($3, s.code)),"
     "  coalesce(code_part(coalesce($3, s.code), 2), 1), code_number(coalesce($3, s.code)),"
     "  drafting_code(coalesce($3, s.code)), s.name, s.id"
     " FROM measure s WHERE s.id = $2 AND s.plan_id <> $1 RETURNING id",
     3},
    /* $1 the copy, $2 its origin: the origin's reported activities, their
     * places and their departments in order. */
    {"dr_carry_activities",
     "INSERT INTO activity (plan_id, measure_id, name, origin_activity_id)"
     " SELECT m.plan_id, m.id, a.name, a.id FROM measure m, activity a"
     " WHERE m.id = $1 AND a.measure_id = $2",
     2},
    {"dr_carry_places",
     "INSERT INTO placement (measure_id, position, activity_id)"
     " SELECT $1, pl.position, n.id FROM activity n"
     " JOIN placement pl ON pl.activity_id = n.origin_activity_id AND NOT pl.relisted"
     " WHERE n.measure_id = $1",
     1},
    {"dr_carry_depts",
     "INSERT INTO activity_department (activity_id, department_id, position)"
     " SELECT n.id, ad.department_id, ad.position FROM activity n"
     " JOIN activity_department ad ON ad.activity_id = n.origin_activity_id WHERE n.measure_id = $1",
     1},

    /* ---- proposals */
    {"dr_propose",
     "INSERT INTO activity_proposal (plan_id, measure_id, department_id, name, note, proposed_by)"
     " VALUES ($1, $2, $3, $4, coalesce($5, ''), app_current_user()) RETURNING id",
     5},
    /* $3 accept, $4 comment. */
    {"dr_decide",
     "UPDATE activity_proposal SET state = CASE WHEN $3 THEN 'accepted' ELSE 'declined' END,"
     " decided_by = app_current_user(), decided_at = now(), comment = coalesce($4, ''),"
     " version = version + 1 WHERE id = $1 AND version = $2 AND state = 'pending'"
     " RETURNING measure_id, name, department_id",
     4},
    {"dr_accepted",
     "UPDATE activity_proposal SET activity_id = $2 WHERE id = $1", 2},
    {"dr_dept_first",
     "INSERT INTO activity_department (activity_id, department_id, position) VALUES ($1, $2, 1)", 2},
    /* What user $2 sees of plan $1's proposals: an admin all, others their
     * department's and their own. */
    {"dr_proposal_list",
     "SELECT json_build_object('plan', json_build_object('id', p.id, 'title', p.title,"
     "   'state', p.state),"
     " 'items', (SELECT coalesce(json_agg((" DR_PROPOSAL_JSON ")::jsonb || jsonb_build_object("
     "   'mine', r.proposed_by = $2) ORDER BY r.id), '[]') FROM activity_proposal r"
     "   JOIN app_user me ON me.id = $2"
     "   WHERE r.plan_id = p.id AND (me.role = 'admin' OR r.proposed_by = me.id"
     "     OR r.department_id = me.department_id)))::text"
     " FROM plan p WHERE p.id = $1",
     2},

    /* ---- indicators */
    {"dr_indicator_insert",
     "INSERT INTO indicator (plan_id, goal_id, position, name, unit)"
     " VALUES ($1, drafting_goal_in($1, $2), coalesce($3::int, (SELECT coalesce(max(position), 0) + 1"
     "   FROM indicator WHERE goal_id = $2)), $4, $5) RETURNING id",
     5},
    {"dr_indicator_update",
     "UPDATE indicator i SET goal_id = CASE WHEN $3::int IS NULL THEN i.goal_id"
     "   ELSE drafting_goal_in(i.plan_id, $3) END,"
     " position = coalesce($4::int, i.position), name = coalesce($5, i.name),"
     " unit = coalesce($6, i.unit), version = i.version + 1"
     " WHERE i.id = $1 AND i.version = $2 RETURNING i.id",
     6},
    {"dr_cut_values", "DELETE FROM indicator_value WHERE indicator_id = $1", 1},
    {"dr_cut_notes", "DELETE FROM indicator_footnote WHERE indicator_id = $1", 1},
    {"dr_indicator_delete", "DELETE FROM indicator WHERE id = $1 AND version = $2 RETURNING id", 2},
    /* $4 the value: '' none, else a decimal; $5 the text as reported. */
    {"dr_value_insert",
     "INSERT INTO indicator_value (indicator_id, fiscal_year, kind, value, value_text)"
     " VALUES ($1, $2, $3, nullif($4::text, '')::numeric, $5)",
     5},
    {"dr_value_update",
     "UPDATE indicator_value SET value = CASE WHEN $5::text IS NULL THEN value"
     "   ELSE nullif($5, '')::numeric END, value_text = coalesce($6, value_text),"
     " version = version + 1, updated_at = now()"
     " WHERE indicator_id = $1 AND fiscal_year = $2 AND kind = $3 AND version = $4 RETURNING 1",
     6},
    {"dr_value_delete",
     "DELETE FROM indicator_value WHERE indicator_id = $1 AND fiscal_year = $2 AND kind = $3"
     " AND version = $4 RETURNING 1",
     4},
    {"dr_footnote_insert",
     "INSERT INTO footnote (plan_id, mark, body) VALUES ($1, '※' || $2::int, $3)", 3},
    {"dr_footnote_update",
     "UPDATE footnote SET body = $4, version = version + 1"
     " WHERE plan_id = $1 AND mark = '※' || $2::int AND version = $3 RETURNING 1",
     4},
    {"dr_note_insert",
     "INSERT INTO indicator_footnote (indicator_id, plan_id, mark)"
     " SELECT i.id, i.plan_id, '※' || $2::int FROM indicator i WHERE i.id = $1",
     2},
    {"dr_note_delete",
     "DELETE FROM indicator_footnote WHERE indicator_id = $1 AND mark = '※' || $2::int RETURNING 1", 2},

    /* ---- the outline of a plan, for the editor: versions and origins */
    {"dr_outline",
     "SELECT json_build_object('id', p.id, 'title', p.title, 'state', p.state,"
     " 'goals', (SELECT coalesce(json_agg(" DR_GOAL_JSON "::jsonb || jsonb_build_object('measures',"
     "   (SELECT coalesce(jsonb_agg((" DR_MEASURE_JSON ")::jsonb ORDER BY m.policy, m.number), '[]')"
     "    FROM measure m WHERE m.goal_id = g.id)) ORDER BY g.number), '[]')"
     "   FROM goal g WHERE g.plan_id = p.id))::text FROM plan p WHERE p.id = $1",
     1},

    /* ---- the comparison (drafting_comparison, sql/010); $2 NULL: the
     * draft's base */
    {"dr_compare",
     "WITH b AS (SELECT coalesce($2::int, drafting_base($1)) AS id),"
     " c AS (SELECT * FROM drafting_comparison($1, (SELECT id FROM b)))"
     " SELECT json_build_object("
     " 'plan', json_build_object('id', p.id, 'title', p.title, 'state', p.state),"
     " 'with', json_build_object('id', w.id, 'title', w.title, 'state', w.state),"
     " 'counts', (SELECT json_object_agg(k.kind, (SELECT json_object_agg(s.status,"
     "     (SELECT count(*) FROM c WHERE c.kind = k.kind AND c.status = s.status))"
     "     FROM unnest(ARRAY['continued', 'renamed', 'new', 'ended']) AS s (status)))"
     "   FROM unnest(ARRAY['measure', 'activity']) AS k (kind)),"
     " 'rows', (SELECT coalesce(json_agg(json_build_object('seq', c.seq, 'kind', c.kind,"
     "   'status', c.status, 'label', c.label,"
     "   'current', CASE WHEN c.current_id IS NOT NULL THEN json_build_object('id', c.current_id,"
     "     'code', c.current_code, 'name', c.current_name, 'departments', c.current_departments) END,"
     "   'draft', CASE WHEN c.draft_id IS NOT NULL THEN json_build_object('id', c.draft_id,"
     "     'code', c.draft_code, 'name', c.draft_name, 'departments', c.draft_departments) END)"
     "   ORDER BY c.seq), '[]') FROM c))::text"
     " FROM plan p, plan w WHERE p.id = $1 AND w.id = (SELECT id FROM b)",
     2},
    {"dr_compare_rows",
     "SELECT CASE c.kind WHEN 'measure' THEN '施策' ELSE '取組' END, c.label,"
     " coalesce(c.current_code, ''), coalesce(c.current_name, ''),"
     " coalesce(c.current_departments, ''), coalesce(c.draft_code, ''), coalesce(c.draft_name, ''),"
     " coalesce(c.draft_departments, ''), c.status"
     " FROM plan p, plan w, drafting_comparison(p.id, w.id) c"
     " WHERE p.id = $1 AND w.id = coalesce($2::int, drafting_base($1)) ORDER BY c.seq",
     2},
    {"dr_compare_plans",
     "SELECT 1 FROM plan p, plan w WHERE p.id = $1 AND w.id = coalesce($2::int, drafting_base($1))",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */

/* ---- the transaction of a write ---- */

struct dr_tx {
	const struct db_dr_write *w;
	char s[8][24]; /* numbers as text */
	int64_t plan;  /* the guard's plan */
	char *json;
	int64_t version;
};

/* A number of w as a parameter: NULL when 0 (absent). */
static const char *
num(struct dr_tx *t, int slot, int64_t v)
{
	return dbi_opt(t->s[slot], v);
}

/* The guard: DB_OK with t->plan, DB_MISSING (no row), DB_DENIED (a row
 * that says no), or the refusal (SHDRF: the plan is no draft). */
static enum db_rc
guard(struct db *db, struct dr_tx *t, const char *stmt, int n, const char *const *p)
{
	PGresult *r;
	enum db_rc rc;
	bool may;

	if ((rc = dbi_rows(db, stmt, n, p, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return DB_MISSING;
	}
	may = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	t->plan = atoll(PQgetvalue(r, 0, 1));
	PQclear(r);
	return may ? DB_OK : DB_DENIED;
}

/* The first cell of stmt's first row as an id: DB_OK with *id (0 when no
 * row), or the failure. */
static enum db_rc
returning(struct db *db, const char *stmt, int n, const char *const *p, int64_t *id)
{
	PGresult *r;
	enum db_rc rc;

	*id = 0;
	if ((rc = dbi_rows(db, stmt, n, p, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) > 0)
		*id = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return DB_OK;
}

/* The record read by get with params p into t; DB_OK, DB_MISSING, or the
 * failure. */
static enum db_rc
fetch(struct db *db, struct dr_tx *t, const char *get, int n, const char *const *p)
{
	return dbi_json_version(db, get, n, p, &t->json, &t->version);
}

/* The record by its id. */
static enum db_rc
fetch_id(struct db *db, struct dr_tx *t, const char *get, int64_t id)
{
	const char *p[1] = {dbi_int(t->s[7], id)};

	return fetch(db, t, get, 1, p);
}

/* After a conditional write: with n rows written, the record read by get;
 * with none, DB_STALE with the record as it is (DB_MISSING when gone). */
static enum db_rc
written(struct db *db, struct dr_tx *t, int n, const char *get, int ng, const char *const *p)
{
	enum db_rc rc = fetch(db, t, get, ng, p);

	if (rc != DB_OK || n > 0)
		return rc;
	return DB_STALE;
}

/* Runs stmts[0..] (NULL-terminated), each with the n first of p. */
static enum db_rc
run_all(struct db *db, const char *const *stmts, int n, const char *const *p)
{
	enum db_rc rc = DB_OK;

	for (; *stmts != NULL && rc == DB_OK; stmts++)
		rc = dbi_do(db, *stmts, n, p);
	return rc;
}

/* Places plan t->plan's activities as 1, 2, … in each measure, activity
 * (0: none) at position (0: the end). */
static enum db_rc
place(struct db *db, struct dr_tx *t, int64_t activity, int64_t position)
{
	char a[24], pos[24], pl[24];
	const char *p[3] = {dbi_int(pl, t->plan), dbi_opt(a, activity), dbi_opt(pos, position)};
	enum db_rc rc;

	if ((rc = dbi_do(db, "dr_defer_places", 0, NULL)) != DB_OK)
		return rc;
	return dbi_do(db, "dr_place_order", 3, p);
}

/* The departments of activity as 1, 2, …, department (0: none) at
 * position (0: the end). */
static enum db_rc
order_depts(struct db *db, int64_t activity, int64_t department, int64_t position)
{
	char a[24], d[24], pos[24];
	const char *p[3] = {dbi_int(a, activity), dbi_opt(d, department), dbi_opt(pos, position)};
	enum db_rc rc;

	if ((rc = dbi_do(db, "dr_defer_depts", 0, NULL)) != DB_OK)
		return rc;
	return dbi_do(db, "dr_dept_order", 3, p);
}

/* A new activity of measure named name, at position (0: the end); *id. */
static enum db_rc
new_activity(struct db *db, struct dr_tx *t, const char *measure, const char *name,
             int64_t position, int64_t *id)
{
	const char *p[2] = {measure, name};
	char a[24];
	const char *pa[1];
	enum db_rc rc;

	if ((rc = returning(db, "dr_activity_insert", 2, p, id)) != DB_OK)
		return rc;
	if (*id == 0)
		return DB_MISSING;
	pa[0] = dbi_int(a, *id);
	if ((rc = dbi_do(db, "dr_place_new", 1, pa)) != DB_OK)
		return rc;
	return place(db, t, *id, position);
}

static const char *const cut_goal[] = {"dr_cut_pl_goal",  "dr_cut_ad_goal", "dr_cut_act_goal",
                                       "dr_cut_rel_goal", "dr_cut_ms_goal", NULL};
static const char *const cut_measure[] = {"dr_cut_pl_measure", "dr_cut_ad_measure",
                                          "dr_cut_act_measure", "dr_cut_rel_measure", NULL};
static const char *const cut_activity[] = {"dr_cut_pl_activity", "dr_cut_ad_activity", NULL};
static const char *const cut_indicator[] = {"dr_cut_values", "dr_cut_notes", NULL};

/* A removal: the guard, what goes with it, the conditional delete; the
 * answer is the record as it was. DB_STALE with it when the version was
 * not current (everything rolled back). */
static enum db_rc
removal(struct db *db, struct dr_tx *t, const char *may, const char *const *cut, const char *del,
        const char *get)
{
	const char *p[2] = {dbi_int(t->s[0], t->w->id), dbi_int(t->s[1], t->w->version)};
	enum db_rc rc;
	int64_t gone;

	if ((rc = guard(db, t, may, 1, p)) != DB_OK || (rc = fetch(db, t, get, 1, p)) != DB_OK ||
	    (rc = run_all(db, cut, 1, p)) != DB_OK ||
	    (rc = returning(db, del, 2, p, &gone)) != DB_OK)
		return rc;
	if (gone == 0)
		return DB_STALE;
	if (strcmp(del, "dr_activity_delete") == 0 || strcmp(del, "dr_measure_delete") == 0 ||
	    strcmp(del, "dr_goal_delete") == 0)
		return place(db, t, 0, 0);
	return DB_OK;
}

/* An update of a versioned record: guard, write (p[0] the id, p[1] the
 * version read), the record afterwards or DB_STALE with it. */
static enum db_rc
update(struct db *db, struct dr_tx *t, const char *may, const char *write, int n,
       const char *const *p, const char *get)
{
	enum db_rc rc;
	int rows;

	if ((rc = guard(db, t, may, 1, p)) != DB_OK ||
	    (rc = dbi_count(db, write, n, p, &rows)) != DB_OK)
		return rc;
	return written(db, t, rows, get, 1, p);
}

/* A creation: guard on the parent (p[0]), the insert returning the new id,
 * the record by it. */
static enum db_rc
create(struct db *db, struct dr_tx *t, const char *may, const char *insert, int n,
       const char *const *p, const char *get)
{
	enum db_rc rc;
	int64_t id;

	if ((rc = guard(db, t, may, 1, p)) != DB_OK ||
	    (rc = returning(db, insert, n, p, &id)) != DB_OK)
		return rc;
	return id == 0 ? DB_MISSING : fetch_id(db, t, get, id);
}

static enum db_rc
activity_update(struct db *db, struct dr_tx *t)
{
	const struct db_dr_write *w = t->w;
	const char *p[4] = {dbi_int(t->s[0], w->id), dbi_int(t->s[1], w->version), w->text[0],
	                    num(t, 2, w->num[1])};
	enum db_rc rc;
	int rows;

	if ((rc = guard(db, t, "dr_may_activity", 1, p)) != DB_OK ||
	    (rc = dbi_do(db, "dr_defer_places", 0, NULL)) != DB_OK ||
	    (rc = dbi_count(db, "dr_activity_update", 4, p, &rows)) != DB_OK)
		return rc;
	if (rows > 0 && (w->num[0] > 0 || w->num[1] > 0) &&
	    (rc = place(db, t, w->id, w->num[0])) != DB_OK)
		return rc;
	return written(db, t, rows, "dr_activity_get", 1, p);
}

/* Departments: add (at a position), move, remove; each bumps the
 * activity's version (a move and a removal check the one read). */
static enum db_rc
departments(struct db *db, struct dr_tx *t)
{
	const struct db_dr_write *w = t->w;
	bool add = w->op == DR_DEPT_ADD;
	int64_t dept = add ? w->num[0] : w->id2;
	const char *p[2] = {dbi_int(t->s[0], w->id), dbi_int(t->s[2], dept)};
	const char *bump[2] = {p[0], add ? NULL : dbi_int(t->s[1], w->version)};
	enum db_rc rc;
	int rows;

	if ((rc = guard(db, t, "dr_may_activity", 1, p)) != DB_OK ||
	    (rc = dbi_count(db, "dr_activity_bump", 2, bump, &rows)) != DB_OK)
		return rc;
	if (rows == 0)
		return written(db, t, 0, "dr_activity_get", 1, p);
	if (!add && ((rc = dbi_count(db, "dr_dept_there", 2, p, &rows)) != DB_OK || rows == 0))
		return rc != DB_OK ? rc : DB_MISSING;
	if (add)
		rc = dbi_do(db, "dr_dept_insert", 2, p);
	else if (w->op == DR_DEPT_REMOVE)
		rc = dbi_do(db, "dr_dept_delete", 2, p);
	if (rc == DB_OK)
		rc = order_depts(db, w->id, w->op == DR_DEPT_REMOVE ? 0 : dept,
		                 add ? w->num[1] : w->num[0]);
	return rc != DB_OK ? rc : fetch(db, t, "dr_activity_get", 1, p);
}

static enum db_rc
carry_over(struct db *db, struct dr_tx *t)
{
	const struct db_dr_write *w = t->w;
	const char *p[3] = {dbi_int(t->s[0], w->id), dbi_int(t->s[1], w->num[0]), w->text[0]};
	const char *pc[2];
	enum db_rc rc;
	int64_t id;

	if ((rc = guard(db, t, "dr_may_plan", 1, p)) != DB_OK ||
	    (rc = returning(db, "dr_carry_measure", 3, p, &id)) != DB_OK)
		return rc;
	if (id == 0)
		return DB_MISSING;
	pc[0] = dbi_int(t->s[2], id);
	pc[1] = p[1];
	if ((rc = dbi_do(db, "dr_carry_activities", 2, pc)) != DB_OK ||
	    (rc = dbi_do(db, "dr_carry_places", 1, pc)) != DB_OK ||
	    (rc = dbi_do(db, "dr_carry_depts", 1, pc)) != DB_OK ||
	    (rc = place(db, t, 0, 0)) != DB_OK)
		return rc;
	return fetch_id(db, t, "dr_measure_get", id);
}

static enum db_rc
propose(struct db *db, struct dr_tx *t)
{
	const struct db_dr_write *w = t->w;
	const char *g[2] = {dbi_int(t->s[0], w->id), dbi_int(t->s[2], w->num[1])};
	const char *p[5] = {g[0], dbi_int(t->s[1], w->num[0]), g[1], w->text[0], w->text[1]};
	enum db_rc rc;
	int64_t id;

	if ((rc = guard(db, t, "dr_may_propose", 2, g)) != DB_OK ||
	    (rc = returning(db, "dr_propose", 5, p, &id)) != DB_OK)
		return rc;
	return fetch_id(db, t, "dr_proposal_get", id);
}

/* A decision; an acceptance makes the proposal an activity of the draft
 * under its measure, at the end, with its department. */
static enum db_rc
decide(struct db *db, struct dr_tx *t)
{
	const struct db_dr_write *w = t->w;
	const char *p[4] = {dbi_int(t->s[0], w->id), dbi_int(t->s[1], w->version),
	                    w->flag ? "t" : "f", w->text[0]};
	const char *pa[2];
	PGresult *r;
	enum db_rc rc;
	int64_t id;
	bool none;

	if ((rc = guard(db, t, "dr_may_proposal", 1, p)) != DB_OK ||
	    (rc = dbi_rows(db, "dr_decide", 4, p, &r)) != DB_OK)
		return rc;
	if ((none = PQntuples(r) == 0) || !w->flag) {
		PQclear(r);
		return written(db, t, none ? 0 : 1, "dr_proposal_get", 1, p);
	}
	snprintf(t->s[3], sizeof t->s[3], "%s", PQgetvalue(r, 0, 2));
	rc = new_activity(db, t, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), 0, &id);
	PQclear(r);
	if (rc != DB_OK)
		return rc;
	pa[0] = dbi_int(t->s[2], id);
	pa[1] = t->s[3];
	if ((rc = dbi_do(db, "dr_dept_first", 2, pa)) != DB_OK)
		return rc;
	pa[0] = p[0];
	pa[1] = t->s[2];
	if ((rc = dbi_do(db, "dr_accepted", 2, pa)) != DB_OK)
		return rc;
	return fetch(db, t, "dr_proposal_get", 1, p);
}

/* Values of an indicator: p = indicator, year, kind (+ version). */
static enum db_rc
values(struct db *db, struct dr_tx *t)
{
	const struct db_dr_write *w = t->w;
	bool create_it = w->op == DR_VALUE_CREATE;
	const char *key[3] = {dbi_int(t->s[0], w->id),
	                      dbi_int(t->s[1], create_it ? w->num[0] : w->id2), w->text[0]};
	const char *p[6] = {key[0],     key[1],    key[2], dbi_int(t->s[2], w->version),
	                    w->text[1], w->text[2]};
	enum db_rc rc;
	int rows;

	if ((rc = guard(db, t, "dr_may_values", 1, key)) != DB_OK)
		return rc;
	if (create_it) {
		const char *pi[5] = {key[0], key[1], key[2], w->text[1], w->text[2]};

		if ((rc = dbi_do(db, "dr_value_insert", 5, pi)) != DB_OK)
			return rc;
		return fetch(db, t, "dr_value_get", 3, key);
	}
	if (w->op == DR_VALUE_DELETE) {
		if ((rc = fetch(db, t, "dr_value_get", 3, key)) != DB_OK ||
		    (rc = dbi_count(db, "dr_value_delete", 4, p, &rows)) != DB_OK)
			return rc;
		return rows > 0 ? DB_OK : DB_STALE;
	}
	if ((rc = dbi_count(db, "dr_value_update", 6, p, &rows)) != DB_OK)
		return rc;
	return written(db, t, rows, "dr_value_get", 3, key);
}

static enum db_rc
footnotes(struct db *db, struct dr_tx *t)
{
	const struct db_dr_write *w = t->w;
	bool create_it = w->op == DR_FOOTNOTE_CREATE;
	const char *key[2] = {dbi_int(t->s[0], w->id),
	                      dbi_int(t->s[1], create_it ? w->num[0] : w->id2)};
	const char *p[4] = {key[0], key[1], dbi_int(t->s[2], w->version), w->text[0]};
	const char *pi[3] = {key[0], key[1], w->text[0]};
	enum db_rc rc;
	int rows;

	if ((rc = guard(db, t, "dr_may_notes", 1, key)) != DB_OK)
		return rc;
	if (create_it)
		return (rc = dbi_do(db, "dr_footnote_insert", 3, pi)) != DB_OK
		           ? rc
		           : fetch(db, t, "dr_footnote_get", 2, key);
	if ((rc = dbi_count(db, "dr_footnote_update", 4, p, &rows)) != DB_OK)
		return rc;
	return written(db, t, rows, "dr_footnote_get", 2, key);
}

static enum db_rc
notes(struct db *db, struct dr_tx *t)
{
	const struct db_dr_write *w = t->w;
	const char *p[2] = {dbi_int(t->s[0], w->id),
	                    dbi_int(t->s[1], w->op == DR_NOTE_ADD ? w->num[0] : w->id2)};
	enum db_rc rc;
	int rows;

	if ((rc = guard(db, t, "dr_may_values", 1, p)) != DB_OK)
		return rc;
	if (w->op == DR_NOTE_ADD)
		rc = dbi_do(db, "dr_note_insert", 2, p);
	else if ((rc = dbi_count(db, "dr_note_delete", 2, p, &rows)) == DB_OK && rows == 0)
		rc = DB_MISSING;
	return rc != DB_OK ? rc : fetch(db, t, "dr_indicator_get", 1, p);
}

/* Inside dbi_tx: the op of t->w, as db_drafting_write says. */
static enum db_rc
write_tx(struct db *db, void *arg)
{
	struct dr_tx *t = arg;
	const struct db_dr_write *w = t->w;
	const char *id = dbi_int(t->s[0], w->id), *ver = dbi_int(t->s[1], w->version);

	switch (w->op) {
	case DR_GOAL_CREATE: {
		const char *p[3] = {id, num(t, 2, w->num[0]), w->text[0]};

		return create(db, t, "dr_may_plan", "dr_goal_insert", 3, p, "dr_goal_get");
	}
	case DR_GOAL_UPDATE: {
		const char *p[4] = {id, ver, num(t, 2, w->num[0]), w->text[0]};
		enum db_rc rc = update(db, t, "dr_may_goal", "dr_goal_update", 4, p, "dr_goal_get");

		return rc != DB_OK ? rc : dbi_do(db, "dr_goal_codes", 1, p);
	}
	case DR_GOAL_DELETE:
		return removal(db, t, "dr_may_goal", cut_goal, "dr_goal_delete", "dr_goal_get");
	case DR_MEASURE_CREATE: {
		const char *p[3] = {id, w->text[0], w->text[1]};

		return create(db, t, "dr_may_plan", "dr_measure_insert", 3, p, "dr_measure_get");
	}
	case DR_MEASURE_UPDATE: {
		const char *p[4] = {id, ver, w->text[0], w->text[1]};

		return update(db, t, "dr_may_measure", "dr_measure_update", 4, p, "dr_measure_get");
	}
	case DR_MEASURE_DELETE:
		return removal(db, t, "dr_may_measure", cut_measure, "dr_measure_delete",
		               "dr_measure_get");
	case DR_ACTIVITY_CREATE: {
		const char *p[1] = {id};
		enum db_rc rc;
		int64_t aid;

		if ((rc = guard(db, t, "dr_may_measure", 1, p)) != DB_OK ||
		    (rc = new_activity(db, t, id, w->text[0], w->num[0], &aid)) != DB_OK)
			return rc;
		return fetch_id(db, t, "dr_activity_get", aid);
	}
	case DR_ACTIVITY_UPDATE:
		return activity_update(db, t);
	case DR_ACTIVITY_DELETE:
		return removal(db, t, "dr_may_activity", cut_activity, "dr_activity_delete",
		               "dr_activity_get");
	case DR_DEPT_ADD:
	case DR_DEPT_MOVE:
	case DR_DEPT_REMOVE:
		return departments(db, t);
	case DR_CARRY_OVER:
		return carry_over(db, t);
	case DR_PROPOSE:
		return propose(db, t);
	case DR_DECIDE:
		return decide(db, t);
	case DR_INDICATOR_CREATE: {
		const char *p[5] = {id, num(t, 2, w->num[0]), num(t, 3, w->num[1]), w->text[0],
		                    w->text[1]};

		return create(db, t, "dr_may_plan", "dr_indicator_insert", 5, p,
		              "dr_indicator_get");
	}
	case DR_INDICATOR_UPDATE: {
		const char *p[6] = {
		    id, ver, num(t, 2, w->num[0]), num(t, 3, w->num[1]), w->text[0], w->text[1]};

		return update(db, t, "dr_may_indicator", "dr_indicator_update", 6, p,
		              "dr_indicator_get");
	}
	case DR_INDICATOR_DELETE:
		return removal(db, t, "dr_may_indicator", cut_indicator, "dr_indicator_delete",
		               "dr_indicator_get");
	case DR_VALUE_CREATE:
	case DR_VALUE_UPDATE:
	case DR_VALUE_DELETE:
		return values(db, t);
	case DR_FOOTNOTE_CREATE:
	case DR_FOOTNOTE_UPDATE:
		return footnotes(db, t);
	case DR_NOTE_ADD:
	case DR_NOTE_REMOVE:
		return notes(db, t);
	case DR_NOPS:
		break;
	}
	return DB_BUG;
}

enum db_rc
db_drafting_write(struct db *db, int user, const struct db_dr_write *w, char **json,
                  int64_t *version)
{
	struct dr_tx t = {.w = w};
	enum db_rc rc = dbi_settle(dbi_tx(db, user, "api", false, write_tx, &t), &t.json);

	*json = t.json;
	*version = t.version;
	return rc;
}

/* ---- reads ---- */

enum db_rc
db_drafting_read(struct db *db, enum db_dr_read what, int64_t id, int64_t id2, char **json)
{
	char a[24], b[24];
	const char *p[2] = {dbi_int(a, id), NULL};

	switch (what) {
	case DR_OUTLINE:
		return dbi_json(db, "dr_outline", 1, p, json);
	/* The writes' own reads: their first cell is the JSON. */
	case DR_MEASURE:
		return dbi_json(db, "dr_measure_get", 1, p, json);
	case DR_INDICATOR:
		return dbi_json(db, "dr_indicator_get", 1, p, json);
	case DR_PROPOSALS:
		p[1] = dbi_int(b, id2);
		return dbi_json(db, "dr_proposal_list", 2, p, json);
	case DR_COMPARISON:
		p[1] = dbi_opt(b, id2);
		return dbi_json(db, "dr_compare", 2, p, json);
	}
	return DB_BUG;
}

enum db_rc
db_drafting_compare_table(struct db *db, int64_t draft, int64_t with, struct db_compare_table *out)
{
	char a[24], b[24];
	const char *p[2] = {dbi_int(a, draft), dbi_opt(b, with)};
	PGresult *r;
	enum db_rc rc;
	int i, c, n;

	memset(out, 0, sizeof *out);
	if ((rc = dbi_rows(db, "dr_compare_plans", 2, p, &r)) != DB_OK)
		return rc;
	n = PQntuples(r);
	PQclear(r);
	if (n == 0)
		return DB_MISSING;
	if ((rc = dbi_rows(db, "dr_compare_rows", 2, p, &r)) != DB_OK)
		return rc;
	n = PQntuples(r);
	if ((out->cells = calloc((size_t)n * DB_COMPARE_COLUMNS + 1, sizeof *out->cells)) == NULL) {
		PQclear(r);
		return DB_BUG;
	}
	for (i = 0; i < n; i++)
		for (c = 0; c < DB_COMPARE_COLUMNS; c++)
			out->cells[i * DB_COMPARE_COLUMNS + c] = PQgetvalue(r, i, c);
	out->nrows = (size_t)n;
	out->result = r;
	return DB_OK;
}

void
db_drafting_compare_free(struct db_compare_table *t)
{
	PQclear(t->result);
	free(t->cells);
	memset(t, 0, sizeof *t);
}
