/* /api/rounds: the reporting round (照会) of a fiscal year. An admin opens
 * it with a due date; each department sees what it still has to update;
 * the dashboard shows completion per department and what is overdue; the
 * admin closes it, which freezes the year's report as a snapshot. */
#include "endpoints.h"
#include "round.h"

enum { O_FY, O_DUE, O_N };

static const struct json_bfield open_fields[O_N] = {
    [O_FY] =
        {.name = "fiscal_year", .kind = JB_INT, .required = true, .min = FY_MIN, .max = FY_MAX},
    [O_DUE] = {.name = "due_date",
               .kind = JB_TEXT,
               .required = true,
               .max = 10,
               .nonempty = true,
               .valid = valid_date},
};

/* 200 with every round; 503, 500. */
static void
rounds_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	(void)rq;
	api_reply(res, db, db_round_list(db, &json), &json, 200, "rounds");
}

/* 200 with the round; 404 when there is none; 503, 500. */
static void
rounds_get(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_round_get(db, rq->cap[0], &json), &json, 200, "round");
}

/* Answers 201 with the round opened; 409 naming fiscal_year when the year
 * has no records or is locked; else what api_db_error makes of the outcome
 * (409 when the year has its round already, 503, 500). */
static void
rounds_open(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	enum db_rc rc = db_round_open(db, rq->user.id, rq->b[O_FY].i, rq->b[O_DUE].s, &json);

	if (rc == DB_MISSING)
		http_error(res, 409, "conflict", "fiscal_year",
		           "%lld年度は、まだ記録がないか、ロックされています。",
		           (long long)rq->b[O_FY].i);
	else
		api_reply(res, db, rc, &json, 201, "round");
}

/* Answers 200 with the round closed and its ETag; 409 with the round as
 * it is now and its ETag when the version was stale or it is closed
 * already; else what api_db_error makes of the outcome (404, 403, 503,
 * 500). */
static void
rounds_close(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	int64_t version;
	enum db_rc rc = db_round_close(db, rq->user.id, rq->cap[0], rq->version, &json, &version);

	api_written(res, db, rc, &json, version, 200, "round");
}

/* 200 with what the user's department still has to update in the round;
 * 404 when there is no such round; else api_db_error: 503, 500. */
static void
rounds_mine(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_round_mine(db, rq->user.id, rq->cap[0], &json), &json, 200, "round");
}

const struct api_endpoint ep_rounds_list = {.handler = rounds_list};
const struct api_endpoint ep_rounds_get = {.handler = rounds_get};
const struct api_endpoint ep_rounds_open = {
    .handler = rounds_open,
    .body = open_fields,
    .nbody = O_N,
    .flags = API_SIGNED | API_CSRF,
    .role = ROLE_ADMIN,
};
const struct api_endpoint ep_rounds_close = {
    .handler = rounds_close,
    .flags = API_SIGNED | API_CSRF | API_IF_MATCH,
    .role = ROLE_ADMIN,
};
/* Signed in, a department's staff or above; reads only. */
const struct api_endpoint ep_rounds_mine = {
    .handler = rounds_mine,
    .flags = API_SIGNED,
    .role = ROLE_STAFF,
};
