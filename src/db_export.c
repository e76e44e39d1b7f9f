/* SQL of the appendix table (別紙); the table itself is report_table() (the
 * closed round's snapshot, else report_appendix(), sql/003 and 005), shared
 * by the files and the printable page. */
#include "handlers.h"

/* clang-format off */
const struct db_stmt db_export_stmts[] = {
    /* $1 fiscal year, $2 plan (NULL: the reporting plan). The columns of
     * the CSV, in order. */
    {"export_rows",
     "SELECT seq, measure_code, measure_name, activity, status_mark, change_reason,"
     " result_prev, result, plan_next, departments FROM report_table($1, $2)",
     2},
    {"export_json",
     "SELECT json_build_object('fiscal_year', $1::int,"
     " 'era', fiscal_era($1),"
     " 'snapshot', (SELECT json_build_object('round_id', s.round_id, 'taken_at', s.taken_at)"
     "   FROM report_snapshot s WHERE s.fiscal_year = $1"
     "   AND ($2::int IS NULL OR s.plan_id = $2)),"
     " 'items', coalesce(json_agg(json_build_object('seq', x.seq, 'goal', x.goal_number,"
     "   'measure_id', x.measure_id, 'measure_code', x.measure_code,"
     "   'measure_name', x.measure_name, 'activity', x.activity, 'activity_id', x.activity_id,"
     "   'status', x.status, 'status_mark', x.status_mark, 'change_reason', x.change_reason,"
     "   'result_prev', x.result_prev, 'result', x.result, 'plan_next', x.plan_next,"
     "   'departments', x.departments, 'relisted', x.relisted,"
     "   'reported_under', x.reported_under, 'version', x.version) ORDER BY x.seq), '[]'))::text,"
     " count(*) FROM report_table($1, $2) x",
     2},
    /* Cells of the closed year's snapshot that differ from the records now. */
    {"export_differences",
     "WITH s AS (SELECT * FROM report_table($1, NULL)),"
     " l AS (SELECT * FROM report_appendix($1, NULL)),"
     " d AS (SELECT s.seq, s.activity_id, s.measure_code, s.activity, c.col, c.was, c.now"
     "   FROM s JOIN l ON l.seq = s.seq, LATERAL (VALUES"
     "    ('status', s.status_mark, l.status_mark), ('change_reason', s.change_reason, l.change_reason),"
     "    ('result_prev', s.result_prev, l.result_prev), ('result', s.result, l.result),"
     "    ('plan_next', s.plan_next, l.plan_next), ('departments', s.departments, l.departments),"
     "    ('activity', s.activity, l.activity)) AS c(col, was, now)"
     "   WHERE c.was IS DISTINCT FROM c.now)"
     " SELECT json_build_object('fiscal_year', $1::int, 'era', fiscal_era($1),"
     " 'snapshot', (SELECT json_build_object('round_id', round_id, 'taken_at', taken_at)"
     "   FROM report_snapshot WHERE fiscal_year = $1),"
     " 'items', coalesce((SELECT json_agg(json_build_object('seq', seq, 'activity_id', activity_id,"
     "   'measure_code', measure_code, 'activity', activity, 'column', col, 'snapshot', was,"
     "   'current', now) ORDER BY seq, col) FROM d), '[]'))::text",
     1},
    {NULL, NULL, 0},
};
/* clang-format on */
