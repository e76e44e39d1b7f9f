/* Plans with their goals and measures, a plan's drafting timeline, and
 * the outcome indicators (成果指標). */
#include "endpoints.h"
#include "plan.h"

/* 200 with every plan; 503, 500. */
static void
plans_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	(void)rq;
	api_reply(res, db, db_plan_list(db, &json), &json, 200, "plans");
}

/* 200 with the plan; 404 when there is none; 503, 500. */
static void
plans_get(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_plan_get(db, rq->cap[0], &json), &json, 200, "plan");
}

/* 200 with the plan's timeline; 404 when there is no such plan; 503, 500. */
static void
milestones_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_milestone_list(db, rq->cap[0], &json), &json, 200, "plan");
}

static const struct http_qfield indicator_params[] = {{"plan", valid_id}};

/* 200 with the indicators (of ?plan=, or all); 503, 500. */
static void
indicators_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	int64_t plan = rq->q[0].present ? rq->q[0].v.i : 0;

	api_reply(res, db, db_indicator_list(db, plan, &json), &json, 200, "indicators");
}

const struct api_endpoint ep_plans_list = {.handler = plans_list};
const struct api_endpoint ep_plans_get = {.handler = plans_get};
const struct api_endpoint ep_milestones_list = {.handler = milestones_list};
const struct api_endpoint ep_indicators_list = {
    .handler = indicators_list, .query = indicator_params, .nquery = 1};
