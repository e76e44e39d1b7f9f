/* Plans with their goals and measures, and a plan's drafting timeline. */
#include "handlers.h"
#include "valid.h"

void
h_plans_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];

	if (http_query_validate(req, NULL, 0, q, res) != 0)
		return;
	h_json_query(db, "plan_list", 0, NULL, res, "plans", 0);
}

void
h_plans_get(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	char id[24];
	const char *params[1] = {h_param_int(id, true, req->captures[0])};

	if (http_query_validate(req, NULL, 0, q, res) != 0)
		return;
	h_json_query(db, "plan_get", 1, params, res, "plan", (long long)req->captures[0]);
}

void
h_milestones_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	char id[24];
	const char *params[1] = {h_param_int(id, true, req->captures[0])};

	if (http_query_validate(req, NULL, 0, q, res) != 0)
		return;
	h_json_query(db, "milestone_list", 1, params, res, "plan", (long long)req->captures[0]);
}
