/* GET /api/dashboard?fy=&plan=: the dashboard's counts by status, per
 * fiscal year and, for one year, by goal and by department. A read like
 * the summary, for anyone. The indicators, the open round and "my work"
 * come from their own endpoints (/api/indicators, /api/rounds/{id},
 * /api/rounds/{id}/my-updates, /api/status-requests). */
#include "dashboard.h"
#include "endpoints.h"

enum { Q_FY, Q_PLAN, Q_N };

static const struct http_qfield dashboard_fields[Q_N] = {
    [Q_FY] = {"fy", valid_fiscal_year},
    [Q_PLAN] = {"plan", valid_id},
};

/* 200 with the counts (zeros for a year without records); 503, 500. */
static void
dashboard(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	enum db_rc rc = db_dashboard(db, rq->q[Q_FY].present ? rq->q[Q_FY].v.i : 0,
	                             rq->q[Q_PLAN].present ? rq->q[Q_PLAN].v.i : 0, &json);

	api_reply(res, db, rc, &json, 200, "dashboard");
}

const struct api_endpoint ep_dashboard = {
    .handler = dashboard, .query = dashboard_fields, .nquery = Q_N};
