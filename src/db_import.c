/* SQL of importing a fiscal year's updates from the export's CSV. */
#include "handlers.h"

/* clang-format off */
const struct db_stmt db_import_stmts[] = {
    /* Locks the year's records for the length of the import, so nothing
     * changes between the check and the write. */
    {"import_lock",
     "SELECT count(*) FROM (SELECT 1 FROM activity_year WHERE fiscal_year = $1 FOR UPDATE) x",
     1},
    /* The appendix as it is now: what every row of the file is checked
     * against. $1 fiscal year. */
    {"import_current",
     "SELECT x.seq, x.measure_code, x.activity, x.activity_id, x.relisted,"
     " coalesce(x.status, ''), x.change_reason, x.result_prev, x.result, x.plan_next,"
     " x.departments, coalesce(x.version, 0), y.activity_id IS NOT NULL,"
     " EXISTS (SELECT 1 FROM status_request r WHERE r.activity_id = x.activity_id"
     "   AND r.fiscal_year = $1 AND r.state = 'pending')"
     " FROM report_appendix($1, NULL) x"
     " LEFT JOIN activity_year y ON y.activity_id = x.activity_id AND y.fiscal_year = $1"
     " ORDER BY x.seq",
     1},
    /* $1 activity, $2 year, $3 reason, $4 result, $5 plan; NULL = unchanged. */
    {"import_texts",
     "UPDATE activity_year SET change_reason = coalesce($3, change_reason),"
     " result = coalesce($4, result), plan_next = coalesce($5, plan_next),"
     " version = version + 1, updated_at = now()"
     " WHERE activity_id = $1 AND fiscal_year = $2",
     5},
    /* A status the admin imports as decided. */
    {"import_status",
     "UPDATE activity_year SET status = $3, version = version + 1, updated_at = now()"
     " WHERE activity_id = $1 AND fiscal_year = $2",
     3},
    /* A status change that goes through approval: a pending request. */
    {"import_request",
     "INSERT INTO status_request (activity_id, fiscal_year, from_status, to_status, reason,"
     " requested_by)"
     " SELECT activity_id, fiscal_year, status, $3, $4, app_current_user() FROM activity_year"
     " WHERE activity_id = $1 AND fiscal_year = $2",
     4},
    {NULL, NULL, 0},
};
/* clang-format on */
