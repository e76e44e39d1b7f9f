/* SQL of the report's figures and of the health check. */
#include "handlers.h"

/* SQL reads better laid out by hand. */
/* clang-format off */

const struct db_stmt db_report_stmts[] = {
    {"health", "SELECT 1", 0},
    /* Table 1 of the report: activities with a record for the year, by
     * status. $1 fiscal year, $2 plan (NULL = all). A year whose round
     * closed counts from its snapshot (確定版). */
    {"report_summary",
     "WITH snap AS (SELECT round_id, taken_at, appendix FROM report_snapshot"
     "              WHERE fiscal_year = $1 AND ($2::int IS NULL OR plan_id = $2)),"
     " y AS (SELECT r.status FROM snap, jsonb_populate_recordset(NULL::report_row, snap.appendix) r"
     "       WHERE NOT r.relisted"
     "       UNION ALL"
     "       SELECT y.status FROM activity_year y JOIN activity a ON a.id = y.activity_id"
     "       WHERE y.fiscal_year = $1 AND ($2::int IS NULL OR a.plan_id = $2)"
     "         AND NOT EXISTS (SELECT 1 FROM snap)) "
     "SELECT json_build_object('fiscal_year', $1::int, 'era', fiscal_era($1),"
     " 'counts', (SELECT json_agg(json_build_object('status', s.key, 'mark', s.mark,"
     "   'label', s.label, 'count', (SELECT count(*) FROM y WHERE y.status = s.key))"
     "   ORDER BY s.position) FROM progress_status s),"
     " 'unset', (SELECT count(*) FROM y WHERE y.status IS NULL),"
     " 'total', (SELECT count(*) FROM y),"
     " 'snapshot', (SELECT json_build_object('round_id', round_id, 'taken_at', taken_at)"
     "   FROM snap))::text",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */
