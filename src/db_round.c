/* SQL of reporting rounds (照会): open, progress per department, my
 * updates, close with a snapshot of the report. */
#include "handlers.h"

/* An activity-year was updated in round r when its record was saved
 * between the round's opening and closing (the audit log says when). */
#define UPDATED_IN_ROUND(y, r)                                                                     \
	"EXISTS (SELECT 1 FROM audit_log l WHERE l.entity = 'activity_year'"                       \
	" AND l.entity_id = " y ".activity_id || '/' || " y ".fiscal_year AND l.action = 'update'" \
	" AND l.at >= " r ".opened_at AND (" r ".closed_at IS NULL OR l.at <= " r ".closed_at))"

/* Each department's share of the round's activity-years. */
#define ROUND_DEPARTMENTS(r)                                                                       \
	"(SELECT coalesce(json_agg(json_build_object('id', x.id, 'name', x.name,"                  \
	"   'total', x.total, 'updated', x.updated, 'remaining', x.total - x.updated,"             \
	"   'overdue', " r ".state = 'open' AND current_date > " r ".due_date"                     \
	"     AND x.updated < x.total) ORDER BY x.name), '[]')"                                    \
	" FROM (SELECT d.id, d.name, count(*) AS total,"                                           \
	"   count(*) FILTER (WHERE " UPDATED_IN_ROUND(                                             \
	    "y", r) ") AS updated"                                                                 \
	            "   FROM activity_year y JOIN activity_department ad ON ad.activity_id = "     \
	            "y.activity_id"                                                                \
	            "   JOIN department d ON d.id = ad.department_id WHERE y.fiscal_year = " r     \
	            ".fiscal_year"                                                                 \
	            "   GROUP BY d.id, d.name) x)"

#define ROUND_JSON(r)                                                                              \
	"json_build_object('id', " r ".id, 'fiscal_year', " r ".fiscal_year,"                      \
	" 'era', fiscal_era(" r ".fiscal_year), 'due_date', " r ".due_date, 'state', " r ".state," \
	" 'opened_at', " r ".opened_at, 'closed_at', " r ".closed_at, 'version', " r ".version,"   \
	" 'overdue', " r ".state = 'open' AND current_date > " r ".due_date,"                      \
	" 'total', (SELECT count(*) FROM activity_year y WHERE y.fiscal_year = " r                 \
	".fiscal_year),"                                                                           \
	" 'updated', (SELECT count(*) FROM activity_year y WHERE y.fiscal_year = " r               \
	".fiscal_year"                                                                             \
	"   AND " UPDATED_IN_ROUND("y", r) "),"                                                    \
	                                   " 'departments', " ROUND_DEPARTMENTS(r) ")"

/* clang-format off */
const struct db_stmt db_round_stmts[] = {
    {"round_list",
     "SELECT json_build_object('items', coalesce(json_agg(" ROUND_JSON("r")
     " ORDER BY r.fiscal_year DESC), '[]'))::text FROM reporting_round r",
     0},
    {"round_get", "SELECT " ROUND_JSON("r") "::text, r.version FROM reporting_round r WHERE r.id = $1", 1},
    {"round_why", "SELECT " SQL_ACTING_ADMIN ", r.version FROM reporting_round r WHERE r.id = $1", 1},
    /* $1 fiscal year (open, with records), $2 due date. */
    {"round_open",
     "INSERT INTO reporting_round (fiscal_year, due_date, opened_by)"
     " SELECT f.year, $2, app_current_user() FROM fiscal_year f"
     " WHERE f.year = $1 AND NOT f.locked AND " SQL_ACTING_ADMIN
     " RETURNING id",
     2},
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
