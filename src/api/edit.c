/* PATCH /api/activities/{id}/years/{fy}: a department's yearly texts.
 * Optimistic locking: If-Match carries the version the editor read; a
 * stale one is 409 with the record as it is now, so nobody's edit is
 * silently overwritten. */
#include "edit.h"
#include "endpoints.h"

enum { E_RESULT, E_PLAN_NEXT, E_CHANGE_REASON, E_N };

static const struct json_bfield year_fields[E_N] = {
    [E_RESULT] = {.name = "result", .kind = JB_TEXT, .max = 4000, .multiline = true},
    [E_PLAN_NEXT] = {.name = "plan_next", .kind = JB_TEXT, .max = 4000, .multiline = true},
    [E_CHANGE_REASON] = {.name = "change_reason", .kind = JB_TEXT, .max = 2000, .multiline = true},
};

/* Sends at least one text: 0, or -1 with a 400. */
static int
year_check(const struct api_req *rq, struct http_response *res)
{
	if (rq->b[E_RESULT].present || rq->b[E_PLAN_NEXT].present || rq->b[E_CHANGE_REASON].present)
		return 0;
	http_error(res, 400, "bad_body", NULL,
	           "nothing to change: send result, plan_next or change_reason");
	return -1;
}

/* Answers 200 with the record saved and its ETag; 409 with the record as
 * it is now and its ETag when the version was stale; else what
 * api_db_error makes of the outcome (404, 403, 409 locked, 400, 503, 500). */
static void
year_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_year_edit e = {
	    .activity = rq->cap[0],
	    .fiscal_year = rq->cap[1],
	    .version = rq->version,
	    .result = api_btext(rq, E_RESULT),
	    .plan_next = api_btext(rq, E_PLAN_NEXT),
	    .change_reason = api_btext(rq, E_CHANGE_REASON),
	};
	char *json = NULL;
	int64_t version;
	enum db_rc rc = db_year_update(db, rq->user.id, &e, &json, &version);

	api_written(res, db, rc, &json, version, 200, "record of this activity for that year");
}

const struct api_endpoint ep_year_patch = {
    .handler = year_patch,
    .body = year_fields,
    .nbody = E_N,
    .flags = API_SIGNED | API_CSRF | API_IF_MATCH,
    .role = ROLE_STAFF,
    .check = year_check,
};
