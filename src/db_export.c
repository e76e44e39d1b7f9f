/* SQL of the appendix table (別紙) as rows: the report's order, re-listed
 * (再掲) rows in their places without status or results, as printed. */
#include "handlers.h"

/* clang-format off */
const struct db_stmt db_export_stmts[] = {
    /* $1 fiscal year, $2 plan (NULL: the plan that reports that year, else
     * the first adopted one). Columns: seq, measure code and name, activity,
     * status mark, change reason, the year before's result, the year's
     * result, the next year's plan, departments joined with 、, then the
     * activity id and the record's version (for a round trip by import). */
    {"export_rows",
     "WITH p AS (SELECT id FROM plan WHERE ($2::int IS NULL AND state = 'adopted') OR id = $2"
     "           ORDER BY (report_fiscal_year = $1) DESC NULLS LAST, id LIMIT 1)"
     " SELECT row_number() OVER w, m.code, m.name, coalesce(pl.label, a.name),"
     "  CASE WHEN pl.relisted THEN '' ELSE coalesce(s.mark, '') END,"
     "  CASE WHEN pl.relisted THEN '' ELSE coalesce(y.change_reason, '') END,"
     "  CASE WHEN pl.relisted THEN '' ELSE coalesce(py.result, '') END,"
     "  CASE WHEN pl.relisted THEN '' ELSE coalesce(y.result, '') END,"
     "  CASE WHEN pl.relisted THEN '' ELSE coalesce(y.plan_next, '') END,"
     "  CASE WHEN pl.show_departments THEN (SELECT coalesce(string_agg(d.name, '、'"
     "     ORDER BY ad.position), '') FROM activity_department ad"
     "     JOIN department d ON d.id = ad.department_id WHERE ad.activity_id = a.id)"
     "   ELSE '' END,"
     "  a.id, CASE WHEN pl.relisted THEN NULL ELSE y.version END"
     " FROM p JOIN measure m ON m.plan_id = p.id JOIN goal g ON g.id = m.goal_id"
     " JOIN placement pl ON pl.measure_id = m.id JOIN activity a ON a.id = pl.activity_id"
     " LEFT JOIN activity_year y ON y.activity_id = a.id AND y.fiscal_year = $1"
     " LEFT JOIN activity_year py ON py.activity_id = a.id AND py.fiscal_year = $1 - 1"
     " LEFT JOIN progress_status s ON s.key = y.status"
     " WINDOW w AS (ORDER BY g.number, m.policy, m.number, pl.position)"
     " ORDER BY g.number, m.policy, m.number, pl.position",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */
