/* SQL of editing an activity's yearly record. Scoping is in the statement
 * (app_may_edit) and again in the row-level policy of activity_year. */
#include "handlers.h"

/* One activity-year as the API shows it; $1 activity, $2 fiscal year. */
#define YEAR_JSON                                                                                  \
	"SELECT json_build_object('activity_id', y.activity_id, 'fiscal_year', y.fiscal_year,"     \
	" 'status', y.status, 'status_mark', s.mark, 'change_reason', y.change_reason,"            \
	" 'result', y.result, 'plan_next', y.plan_next, 'version', y.version,"                     \
	" 'updated_at', y.updated_at,"                                                             \
	" 'pending_request', (SELECT json_build_object('id', r.id, 'status', r.to_status,"         \
	"     'requested_by', r.requested_by) FROM status_request r"                               \
	"   WHERE r.activity_id = y.activity_id AND r.fiscal_year = y.fiscal_year"                 \
	"     AND r.state = 'pending'))::text, y.version"                                          \
	" FROM activity_year y LEFT JOIN progress_status s ON s.key = y.status"                    \
	" WHERE y.activity_id = $1 AND y.fiscal_year = $2"

/* clang-format off */
const struct db_stmt db_edit_stmts[] = {
    {"year_get", YEAR_JSON, 2},
    /* $3 the version the client read; NULL texts are left as they are. */
    {"year_update",
     "UPDATE activity_year y SET result = coalesce($4, y.result),"
     " plan_next = coalesce($5, y.plan_next), change_reason = coalesce($6, y.change_reason),"
     " version = y.version + 1, updated_at = now()"
     " WHERE y.activity_id = $1 AND y.fiscal_year = $2 AND y.version = $3"
     "   AND app_may_edit(y.activity_id, ARRAY['staff', 'manager', 'admin'])"
     " RETURNING y.version",
     6},
    /* Why an update matched nothing: does the record exist, may this user
     * edit it, and its current version. */
    {"year_why",
     "SELECT app_may_edit(y.activity_id, ARRAY['staff', 'manager', 'admin']), y.version"
     " FROM activity_year y WHERE y.activity_id = $1 AND y.fiscal_year = $2",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */
