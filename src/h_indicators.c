/* Outcome indicators (成果指標) with every value and target. */
#include "handlers.h"
#include "valid.h"

static const struct http_qfield indicator_params[] = {{"plan", valid_id}};

void
h_indicators_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	char plan[24];
	const char *params[1];

	if (http_query_validate(req, indicator_params, 1, q, res) != 0)
		return;
	params[0] = h_param_int(plan, q[0].present, q[0].v.i);
	h_json_query(db, "indicator_list", 1, params, res, "indicators", 0);
}
