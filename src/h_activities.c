/* The activity list with its filters, one activity, and the departments. */
#include "handlers.h"
#include "valid.h"

enum { A_PLAN, A_GOAL, A_MEASURE, A_DEPARTMENT, A_STATUS, A_FY, A_Q, A_LIMIT, A_OFFSET, A_N };

static const struct http_qfield activity_filters[A_N] = {
    [A_PLAN] = {"plan", valid_id},
    [A_GOAL] = {"goal", valid_id},
    [A_MEASURE] = {"measure", valid_measure_ref},
    [A_DEPARTMENT] = {"department", valid_id},
    [A_STATUS] = {"status", valid_status},
    [A_FY] = {"fy", valid_fiscal_year},
    [A_Q] = {"q", valid_search},
    [A_LIMIT] = {"limit", valid_limit},
    [A_OFFSET] = {"offset", valid_offset},
};

#define LIMIT_DEFAULT 100

void
h_activities_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[A_N];
	char plan[24], goal[24], dept[24], fy[24], limit[24], offset[24];
	const char *params[9];

	if (http_query_validate(req, activity_filters, A_N, q, res) != 0)
		return;
	params[0] = h_param_int(plan, q[A_PLAN].present, q[A_PLAN].v.i);
	params[1] = h_param_int(goal, q[A_GOAL].present, q[A_GOAL].v.i);
	params[2] = q[A_MEASURE].present ? q[A_MEASURE].v.s : NULL;
	params[3] = h_param_int(dept, q[A_DEPARTMENT].present, q[A_DEPARTMENT].v.i);
	params[4] = q[A_STATUS].present ? q[A_STATUS].v.s : NULL;
	params[5] = h_param_int(fy, q[A_FY].present, q[A_FY].v.i);
	params[6] = q[A_Q].present ? q[A_Q].v.s : NULL;
	params[7] = h_param_int(limit, true, q[A_LIMIT].present ? q[A_LIMIT].v.i : LIMIT_DEFAULT);
	params[8] = h_param_int(offset, true, q[A_OFFSET].present ? q[A_OFFSET].v.i : 0);
	h_json_query(db, "activity_list", 9, params, res, "activities", 0);
}

void
h_activities_get(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	char id[24];
	const char *params[1] = {h_param_int(id, true, req->captures[0])};

	if (http_query_validate(req, NULL, 0, q, res) != 0)
		return;
	h_json_query(db, "activity_get", 1, params, res, "activity", (long long)req->captures[0]);
}

void
h_departments_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];

	if (http_query_validate(req, NULL, 0, q, res) != 0)
		return;
	h_json_query(db, "department_list", 0, NULL, res, "departments", 0);
}
