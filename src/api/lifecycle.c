/* A plan's lifecycle and the writes of its drafting timeline:
 *   GET  /api/plans/{id}/transitions   where the plan stands, its next steps, its history
 *   POST /api/plans/{id}/transitions   one step (admins; If-Match: the plan's version)
 *   POST /api/plans/{id}/milestones    a new milestone, appended (admins)
 *   PATCH /api/milestones/{id}         edit, complete, cancel, move (admins; If-Match)
 * Completing a milestone that names the step it completes (completes:
 * "adopted") does not take the step: a step has rules of its own (its
 * reason, the month of adoption, the plan's version), so the page offers
 * the step beside the milestone and the client takes it with POST
 * transitions. */
#include <string.h>

#include "endpoints.h"
#include "lifecycle.h"

/* ---- validators of this resource's texts ---- */

static const char *const plan_states[] = {"draft",   "proposal", "public_comment",
                                          "adopted", "archived", NULL};
static const char *const steps_completed[] = {"proposal", "public_comment", "adopted", "archived",
                                              NULL};
static const char *const milestone_states[] = {"planned", "in_progress", "done",
                                               "delayed", "cancelled",   NULL};

static const char *
valid_plan_state(const char *raw, union http_qval *out)
{
	return valid_one_of(raw, plan_states, out)
	           ? NULL
	           : "must be draft, proposal, public_comment, adopted or archived";
}

static const char *
valid_milestone_state(const char *raw, union http_qval *out)
{
	return valid_one_of(raw, milestone_states, out)
	           ? NULL
	           : "must be planned, in_progress, done, delayed or cancelled";
}

/* "" (none) or a step a milestone can complete. */
static const char *
valid_completes(const char *raw, union http_qval *out)
{
	out->s = raw;
	return raw[0] == '\0' || valid_one_of(raw, steps_completed, out)
	           ? NULL
	           : "must be empty, proposal, public_comment, adopted or archived";
}

/* A month, YYYY-MM, 2000-01 to 2101-12. */
static const char *
valid_month(const char *raw, union http_qval *out)
{
	int y, m;

	out->s = raw;
	if (strlen(raw) != 7 || strspn(raw, "0123456789") != 4 || raw[4] != '-' ||
	    strspn(raw + 5, "0123456789") != 2)
		return "must be a month written YYYY-MM";
	y = (raw[0] - '0') * 1000 + (raw[1] - '0') * 100 + (raw[2] - '0') * 10 + (raw[3] - '0');
	m = (raw[5] - '0') * 10 + (raw[6] - '0');
	if (y < FY_MIN || y > FY_MAX + 1 || m < 1 || m > 12)
		return "must be a real month from 2000-01 to 2101-12";
	return NULL;
}

static const char *
valid_month_or_none(const char *raw, union http_qval *out)
{
	out->s = raw;
	return raw[0] == '\0' ? NULL : valid_month(raw, out);
}

static const char *
valid_date_or_none(const char *raw, union http_qval *out)
{
	out->s = raw;
	return raw[0] == '\0' ? NULL : valid_date(raw, out);
}

/* ---- the lifecycle ---- */

enum { T_TO, T_REASON, T_ADOPTED_MONTH, T_N };

static const struct json_bfield step_fields[T_N] = {
    [T_TO] =
        {.name = "to", .kind = JB_TEXT, .required = true, .max = 20, .valid = valid_plan_state},
    [T_REASON] = {.name = "reason", .kind = JB_TEXT, .max = 2000, .multiline = true},
    [T_ADOPTED_MONTH] = {.name = "adopted_month", .kind = JB_TEXT, .max = 7, .valid = valid_month},
};

/* 200 with the plan's lifecycle and its ETag (the plan's version); 404
 * when there is no such plan; 503, 500. */
static void
steps_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc = db_plan_steps(db, rq->cap[0], &json, &version);

	if (rc == DB_OK && json != NULL)
		api_etag(res, version);
	api_reply(res, db, rc, &json, 200, "plan");
}

/* Answers 201 with the lifecycle after the step and the plan's new ETag;
 * 409 with the lifecycle as it is and its ETag when the version was
 * stale; else what api_db_error makes of the outcome (404, 403, 400
 * naming to, reason or adopted_month, 503, 500). */
static void
steps_take(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_plan_step s = {
	    .plan = rq->cap[0],
	    .version = rq->version,
	    .to = rq->b[T_TO].s,
	    .reason = rq->b[T_REASON].present ? rq->b[T_REASON].s : "",
	    .adopted_month = rq->b[T_ADOPTED_MONTH].present ? rq->b[T_ADOPTED_MONTH].s : NULL,
	};
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc = db_plan_step_take(db, rq->user.id, &s, &json, &version);

	api_written(res, db, rc, &json, version, 201, "plan");
}

/* ---- milestones ---- */

enum {
	M_TITLE,
	M_PLANNED_MONTH,
	M_PLANNED_END_MONTH,
	M_PLANNED_TEXT,
	M_OPEN_ENDED,
	M_ACTUAL_DATE,
	M_STATE,
	M_OWNER,
	M_NOTES,
	M_COMPLETES,
	M_POSITION,
	M_N
};

#define MILESTONE_FIELDS(req)                                                                      \
	[M_TITLE] = {.name = "title",                                                              \
	             .kind = JB_TEXT,                                                              \
	             .required = req,                                                              \
	             .max = 200,                                                                   \
	             .nonempty = true},                                                            \
	[M_PLANNED_MONTH] = {.name = "planned_month",                                              \
	                     .kind = JB_TEXT,                                                      \
	                     .required = req,                                                      \
	                     .max = 7,                                                             \
	                     .valid = valid_month},                                                \
	[M_PLANNED_END_MONTH] = {.name = "planned_end_month",                                      \
	                         .kind = JB_TEXT,                                                  \
	                         .max = 7,                                                         \
	                         .valid = valid_month_or_none},                                    \
	[M_PLANNED_TEXT] = {.name = "planned_text", .kind = JB_TEXT, .max = 50},                   \
	[M_OPEN_ENDED] = {.name = "open_ended", .kind = JB_BOOL},                                  \
	[M_ACTUAL_DATE] = {.name = "actual_date",                                                  \
	                   .kind = JB_TEXT,                                                        \
	                   .max = 10,                                                              \
	                   .valid = valid_date_or_none},                                           \
	[M_STATE] = {.name = "state", .kind = JB_TEXT, .max = 20, .valid = valid_milestone_state}, \
	[M_OWNER] = {.name = "owner_department_id", .kind = JB_INT, .min = 0, .max = INT32_MAX},   \
	[M_NOTES] = {.name = "notes", .kind = JB_TEXT, .max = 2000, .multiline = true},            \
	[M_COMPLETES] = {.name = "completes",                                                      \
	                 .kind = JB_TEXT,                                                          \
	                 .max = 20,                                                                \
	                 .valid = valid_completes},                                                \
	[M_POSITION] = {.name = "position", .kind = JB_INT, .min = 1, .max = 1000},

static const struct json_bfield create_fields[M_N] = {MILESTONE_FIELDS(true)};
static const struct json_bfield patch_fields[M_N] = {MILESTONE_FIELDS(false)};

/* The rules between fields that the request alone decides: an end before
 * the start, an end on an open-ended milestone. The database checks both
 * again against the stored fields. 0, or -1 with a 400 naming the field. */
static int
months_check(const struct api_req *rq, struct http_response *res)
{
	const char *start = api_btext(rq, M_PLANNED_MONTH),
	           *end = api_btext(rq, M_PLANNED_END_MONTH);

	if (start != NULL && end != NULL && end[0] != '\0' && strcmp(end, start) < 0) {
		http_error(res, 400, "bad_field", "planned_end_month",
		           "終了予定月が開始予定月より前になっています。");
		return -1;
	}
	if (rq->b[M_OPEN_ENDED].present && rq->b[M_OPEN_ENDED].b && end != NULL && end[0] != '\0') {
		http_error(res, 400, "bad_field", "open_ended",
		           "「～」（終了時期を定めない）予定には、終了予定月を入れられません。");
		return -1;
	}
	return 0;
}

/* A change sends at least one field. */
static int
patch_check(const struct api_req *rq, struct http_response *res)
{
	int k;

	for (k = 0; k < M_N; k++)
		if (rq->b[k].present)
			return months_check(rq, res);
	http_error(res, 400, "bad_body", NULL, "nothing to change: send at least one field");
	return -1;
}

static void
milestone_edit(const struct api_req *rq, struct db_milestone_edit *e)
{
	memset(e, 0, sizeof *e);
	e->title = api_btext(rq, M_TITLE);
	e->planned_month = api_btext(rq, M_PLANNED_MONTH);
	e->planned_end_month = api_btext(rq, M_PLANNED_END_MONTH);
	e->planned_text = api_btext(rq, M_PLANNED_TEXT);
	e->actual_date = api_btext(rq, M_ACTUAL_DATE);
	e->state = api_btext(rq, M_STATE);
	e->notes = api_btext(rq, M_NOTES);
	e->completes = api_btext(rq, M_COMPLETES);
	e->open_ended = rq->b[M_OPEN_ENDED].present ? rq->b[M_OPEN_ENDED].b : -1;
	e->owner_department = rq->b[M_OWNER].present ? rq->b[M_OWNER].i : -1;
	e->position = rq->b[M_POSITION].present ? rq->b[M_POSITION].i : 0;
}

/* Answers 201 with the milestone and its ETag; else what api_db_error
 * makes of the outcome (404 no plan, 403, 400 naming the field a rule is
 * about, 503, 500). */
static void
milestone_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_milestone_edit e;
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc;

	milestone_edit(rq, &e);
	e.plan = rq->cap[0];
	rc = db_milestone_create(db, rq->user.id, &e, &json, &version);
	api_written(res, db, rc == DB_STALE ? DB_BUG : rc, &json, version, 201, "plan");
}

/* Answers 200 with the milestone saved and its ETag; 409 with it as it is
 * now and its ETag when the version was stale; else what api_db_error
 * makes of the outcome (404, 403, 400, 503, 500). */
static void
milestone_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_milestone_edit e;
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc;

	milestone_edit(rq, &e);
	e.id = rq->cap[0];
	e.version = rq->version;
	rc = db_milestone_update(db, rq->user.id, &e, &json, &version);
	api_written(res, db, rc, &json, version, 200, "milestone");
}

const struct api_endpoint ep_plan_steps_list = {.handler = steps_list};
const struct api_endpoint ep_plan_steps_take = {
    .handler = steps_take,
    .body = step_fields,
    .nbody = T_N,
    .flags = API_SIGNED | API_CSRF | API_IF_MATCH,
    .role = ROLE_ADMIN,
};
const struct api_endpoint ep_milestones_create = {
    .handler = milestone_create,
    .body = create_fields,
    .nbody = M_N,
    .flags = API_SIGNED | API_CSRF,
    .role = ROLE_ADMIN,
    .check = months_check,
};
const struct api_endpoint ep_milestones_patch = {
    .handler = milestone_patch,
    .body = patch_fields,
    .nbody = M_N,
    .flags = API_SIGNED | API_CSRF | API_IF_MATCH,
    .role = ROLE_ADMIN,
    .check = patch_check,
};
