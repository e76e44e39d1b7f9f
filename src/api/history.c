/* The activity page's history: GET /api/activities/{id}/history (every
 * audit entry about the activity: the activity, its yearly records, its
 * departments, placements and status requests) and GET
 * /api/activities/{id}/status-requests (its requests in every state).
 * Signed-in users, viewer and up, like /api/audit, of which the first is
 * the activity-wide view: the log is append-only, nothing here writes. */
#include "audit.h"
#include "endpoints.h"
#include "status.h"

enum { Q_LIMIT, Q_OFFSET, Q_N };

static const struct http_qfield history_fields[Q_N] = {
    [Q_LIMIT] = {"limit", valid_limit},
    [Q_OFFSET] = {"offset", valid_offset},
};

#define LIMIT_DEFAULT 100

/* 200 {"activity_id", "total", "items"}; 404 without the activity; 503, 500. */
static void
history(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	enum db_rc rc = db_activity_history(
	    db, rq->cap[0], rq->q[Q_LIMIT].present ? rq->q[Q_LIMIT].v.i : LIMIT_DEFAULT,
	    rq->q[Q_OFFSET].present ? rq->q[Q_OFFSET].v.i : 0, &json);

	api_reply(res, db, rc, &json, 200, "activity");
}

/* 200 {"activity_id", "items"}; 404 without the activity; 503, 500. */
static void
requests(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	enum db_rc rc = db_status_request_of_activity(db, rq->user.id, rq->cap[0], &json);

	api_reply(res, db, rc, &json, 200, "activity");
}

const struct api_endpoint ep_activity_history = {.handler = history,
                                                 .query = history_fields,
                                                 .nquery = Q_N,
                                                 .flags = API_SIGNED,
                                                 .role = ROLE_VIEWER};
const struct api_endpoint ep_activity_requests = {
    .handler = requests, .flags = API_SIGNED, .role = ROLE_VIEWER};
