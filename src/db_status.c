/* SQL of status-change requests: propose, withdraw, decide, list. Who may
 * do what is in each statement (and in status_request's policies). */
#include "handlers.h"

/* One request as the API shows it; r is status_request. */
#define REQUEST_JSON                                                                               \
	"json_build_object('id', r.id, 'activity_id', r.activity_id,"                              \
	" 'activity_name', a.name, 'measure_code', m.code, 'fiscal_year', r.fiscal_year,"          \
	" 'from_status', r.from_status, 'from_mark', fs.mark,"                                     \
	" 'to_status', r.to_status, 'to_mark', ts.mark, 'reason', r.reason, 'state', r.state,"     \
	" 'requested_by', json_build_object('id', q.id, 'login', q.login,"                         \
	"   'display_name', q.display_name),"                                                      \
	" 'requested_at', r.requested_at,"                                                         \
	" 'decided_by', CASE WHEN d.id IS NULL THEN NULL ELSE json_build_object('id', d.id,"       \
	"   'login', d.login, 'display_name', d.display_name) END,"                                \
	" 'decided_at', r.decided_at, 'comment', r.comment, 'version', r.version,"                 \
	" 'can_decide', r.state = 'pending' AND r.requested_by <> app_current_user()"              \
	"   AND app_may_edit(r.activity_id, ARRAY['manager', 'admin']))"

#define REQUEST_FROM                                                                               \
	" FROM status_request r JOIN activity a ON a.id = r.activity_id"                           \
	" JOIN measure m ON m.id = a.measure_id JOIN app_user q ON q.id = r.requested_by"          \
	" LEFT JOIN app_user d ON d.id = r.decided_by"                                             \
	" LEFT JOIN progress_status fs ON fs.key = r.from_status"                                  \
	" JOIN progress_status ts ON ts.key = r.to_status"

/* clang-format off */
const struct db_stmt db_status_stmts[] = {
    {"sr_get", "SELECT " REQUEST_JSON "::text" REQUEST_FROM " WHERE r.id = $1", 1},
    /* $1 activity, $2 year, $3 new status, $4 reason. */
    {"sr_create",
     "INSERT INTO status_request (activity_id, fiscal_year, from_status, to_status, reason,"
     " requested_by)"
     " SELECT y.activity_id, y.fiscal_year, y.status, $3, $4, app_current_user()"
     " FROM activity_year y WHERE y.activity_id = $1 AND y.fiscal_year = $2"
     "   AND app_may_edit(y.activity_id, ARRAY['staff', 'manager', 'admin'])"
     " RETURNING id",
     4},
    {"sr_withdraw",
     "UPDATE status_request SET state = 'withdrawn', version = version + 1"
     " WHERE id = $1 AND state = 'pending' AND requested_by = app_current_user()"
     " RETURNING id",
     1},
    /* $2 approved or rejected, $3 comment. */
    {"sr_decide",
     "UPDATE status_request r SET state = $2, decided_by = app_current_user(),"
     " decided_at = now(), comment = $3, version = r.version + 1"
     " WHERE r.id = $1 AND r.state = 'pending' AND r.requested_by <> app_current_user()"
     "   AND app_may_edit(r.activity_id, ARRAY['manager', 'admin'])"
     " RETURNING r.activity_id, r.fiscal_year, r.to_status, r.reason",
     3},
    /* The approved status and its reason reach the record in the same
     * transaction (activity_year's guard checks that). */
    {"sr_apply",
     "UPDATE activity_year SET status = $3, change_reason = $4, version = version + 1,"
     " updated_at = now() WHERE activity_id = $1 AND fiscal_year = $2",
     4},
    /* Why a request could not be withdrawn or decided. $2: may decide. */
    {"sr_why",
     "SELECT r.state, r.requested_by = app_current_user(),"
     " app_may_edit(r.activity_id, ARRAY['manager', 'admin'])"
     " FROM status_request r WHERE r.id = $1",
     1},
    /* The inbox: $1 state (NULL = all). Admins see every request, managers
     * their departments', everyone their own. */
    {"sr_list",
     "SELECT json_build_object('items', coalesce(json_agg(x.j ORDER BY x.at DESC, x.id DESC),"
     " '[]'))::text FROM (SELECT " REQUEST_JSON " AS j, r.requested_at AS at, r.id"
     REQUEST_FROM
     " WHERE ($1::text IS NULL OR r.state = $1)"
     "   AND (r.requested_by = app_current_user()"
     "        OR app_may_edit(r.activity_id, ARRAY['manager', 'admin']))"
     " ORDER BY r.requested_at DESC LIMIT 500) x",
     1},
    {NULL, NULL, 0},
};
/* clang-format on */
