/* The activity list with its filters, one activity, and the departments. */
#include "activity.h"
#include "endpoints.h"

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

/* An absent parameter is 0 (ids and years start at 1) or NULL. */
static int64_t
qint(const struct api_req *rq, int k, int64_t absent)
{
	return rq->q[k].present ? rq->q[k].v.i : absent;
}

static const char *
qtext(const struct api_req *rq, int k)
{
	return rq->q[k].present ? rq->q[k].v.s : NULL;
}

/* 200 with the page of the list; 400 (at the door) for a bad filter; else
 * api_db_error: 503, 500. */
static void
activities_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_activity_filter f = {
	    .plan = qint(rq, A_PLAN, 0),
	    .goal = qint(rq, A_GOAL, 0),
	    .department = qint(rq, A_DEPARTMENT, 0),
	    .fiscal_year = qint(rq, A_FY, 0),
	    .measure = qtext(rq, A_MEASURE),
	    .status = qtext(rq, A_STATUS),
	    .q = qtext(rq, A_Q),
	    .limit = qint(rq, A_LIMIT, LIMIT_DEFAULT),
	    .offset = qint(rq, A_OFFSET, 0),
	};
	char *json = NULL;

	api_reply(res, db, db_activity_list(db, &f, &json), &json, 200, "activities");
}

/* 200 with the activity; 404 when there is none; 503, 500. */
static void
activities_get(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_activity_get(db, rq->cap[0], &json), &json, 200, "activity");
}

/* 200 with the departments; 503, 500. */
static void
departments_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	(void)rq;
	api_reply(res, db, db_department_list(db, &json), &json, 200, "departments");
}

const struct api_endpoint ep_activities_list = {
    .handler = activities_list, .query = activity_filters, .nquery = A_N};
const struct api_endpoint ep_activities_get = {.handler = activities_get};
const struct api_endpoint ep_departments_list = {.handler = departments_list};
