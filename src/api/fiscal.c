/* /api/fiscal-years: the years the portal keeps; an admin opens the next
 * one (every activity gets a record, its plan carried over, status empty)
 * and locks a closed one, after which its records answer 409. */
#include "endpoints.h"
#include "fiscal.h"

static const struct json_bfield open_fields[] = {
    {.name = "fiscal_year", .kind = JB_INT, .required = true, .min = FY_MIN, .max = FY_MAX},
};

static const struct json_bfield lock_fields[] = {
    {.name = "locked", .kind = JB_BOOL, .required = true},
};

/* 200 with every fiscal year; 503, 500. */
static void
fiscal_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	(void)rq;
	api_reply(res, db, db_fiscal_list(db, &json), &json, 200, "fiscal years");
}

/* Answers 201 with the year opened; 409 naming fiscal_year when it is not
 * the next one to open (the message says which is); else what
 * api_db_error makes of the outcome. */
static void
fiscal_open(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	int64_t next;
	enum db_rc rc = db_fiscal_open(db, rq->user.id, rq->b[0].i, &json, &next);

	if (rc != DB_STALE)
		api_reply(res, db, rc, &json, 201, "fiscal year");
	else if (next > 0)
		http_error(res, 409, "conflict", "fiscal_year",
		           "開けるのは、前の年度に記録がある次の年度（%lld年度）だけです。",
		           (long long)next);
	else
		http_error(res, 409, "conflict", "fiscal_year",
		           "開ける年度がありません（前の年度に記録がありません）。");
}

/* Answers 200 with the year and its ETag; 409 with the year as it is now
 * and its ETag when the version was stale; else what api_db_error makes of
 * the outcome (404, 403, 503, 500). */
static void
fiscal_lock(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	int64_t version;
	enum db_rc rc =
	    db_fiscal_lock(db, rq->user.id, rq->cap[0], rq->version, rq->b[0].b, &json, &version);

	api_written(res, db, rc, &json, version, 200, "fiscal year");
}

const struct api_endpoint ep_fiscal_list = {.handler = fiscal_list};
const struct api_endpoint ep_fiscal_open = {
    .handler = fiscal_open,
    .body = open_fields,
    .nbody = 1,
    .flags = API_SIGNED | API_CSRF,
    .role = ROLE_ADMIN,
};
const struct api_endpoint ep_fiscal_lock = {
    .handler = fiscal_lock,
    .body = lock_fields,
    .nbody = 1,
    .flags = API_SIGNED | API_CSRF | API_IF_MATCH,
    .role = ROLE_ADMIN,
};
