/* The report's figures: table 1, the count of activities by status. */
#include "handlers.h"
#include "valid.h"

static const struct http_qfield summary_params[] = {{"plan", valid_id}};

void
h_reports_summary(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	char fy[24], plan[24];
	const char *params[2];

	if (http_query_validate(req, summary_params, 1, q, res) != 0)
		return;
	params[0] = h_param_int(fy, true, req->captures[0]);
	params[1] = h_param_int(plan, q[0].present, q[0].v.i);
	h_json_query(db, "report_summary", 2, params, res, "report", 0);
}
