/* SQL of the report's figures and of the health check. */
#include "handlers.h"

/* SQL reads better laid out by hand. */
/* clang-format off */

const struct db_stmt db_report_stmts[] = {
    {"health", "SELECT 1", 0},
    /* Table 1 of the report: activities with a record for the year, by
     * status. $1 fiscal year, $2 plan (NULL = all). The era name follows
     * the Japanese fiscal-year convention: FY2019 is 令和元年度. */
    {"report_summary",
     "WITH y AS (SELECT y.status FROM activity_year y JOIN activity a ON a.id = y.activity_id"
     "           WHERE y.fiscal_year = $1 AND ($2::int IS NULL OR a.plan_id = $2)) "
     "SELECT json_build_object('fiscal_year', $1::int,"
     " 'era', CASE WHEN $1::int > 2019 THEN '令和' || ($1::int - 2018) || '年度'"
     "             WHEN $1::int = 2019 THEN '令和元年度'"
     "             ELSE '平成' || ($1::int - 1988) || '年度' END,"
     " 'counts', (SELECT json_agg(json_build_object('status', s.key, 'mark', s.mark,"
     "   'label', s.label, 'count', (SELECT count(*) FROM y WHERE y.status = s.key))"
     "   ORDER BY s.position) FROM progress_status s),"
     " 'unset', (SELECT count(*) FROM y WHERE y.status IS NULL),"
     " 'total', (SELECT count(*) FROM y))::text",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */
