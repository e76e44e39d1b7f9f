/* SQL of the appendix table (別紙); the table itself is report_appendix()
 * in sql/003_report.sql, shared by the files and the printable page. */
#include "handlers.h"

/* clang-format off */
const struct db_stmt db_export_stmts[] = {
    /* $1 fiscal year, $2 plan (NULL: the reporting plan). The columns of
     * the CSV, in order. */
    {"export_rows",
     "SELECT seq, measure_code, measure_name, activity, status_mark, change_reason,"
     " result_prev, result, plan_next, departments FROM report_appendix($1, $2)",
     2},
    {"export_json",
     "SELECT json_build_object('fiscal_year', $1::int,"
     " 'era', '令和' || ($1::int - 2018) || '年度',"
     " 'items', coalesce(json_agg(json_build_object('seq', x.seq, 'goal', x.goal_number,"
     "   'measure_id', x.measure_id, 'measure_code', x.measure_code,"
     "   'measure_name', x.measure_name, 'activity', x.activity, 'activity_id', x.activity_id,"
     "   'status', x.status, 'status_mark', x.status_mark, 'change_reason', x.change_reason,"
     "   'result_prev', x.result_prev, 'result', x.result, 'plan_next', x.plan_next,"
     "   'departments', x.departments, 'relisted', x.relisted,"
     "   'reported_under', x.reported_under, 'version', x.version) ORDER BY x.seq), '[]'))::text,"
     " count(*) FROM report_appendix($1, $2) x",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */
