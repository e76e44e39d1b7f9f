/* Status changes go through requests: staff propose, a manager of the
 * activity's department (or an admin) decides, and only an approval moves
 * the status, in the same transaction as the decision (db/status.c). */
#include <stdlib.h>
#include <string.h>

#include "endpoints.h"
#include "status.h"

/* ---- propose ---- */

enum { P_STATUS, P_REASON, P_N };

static const struct json_bfield propose_fields[P_N] = {
    [P_STATUS] = {.name = "status",
                  .kind = JB_TEXT,
                  .required = true,
                  .max = 20,
                  .nonempty = true,
                  .valid = valid_status},
    [P_REASON] = {.name = "reason", .kind = JB_TEXT, .max = 2000, .multiline = true},
};

static const char *
reason_of(const struct api_req *rq)
{
	return rq->b[P_REASON].present ? rq->b[P_REASON].s : "";
}

/* Answers 201 with the new request; else what api_db_error makes of the
 * outcome: 404, 403, 409 locked or pending_request, 400 naming status or
 * reason, 503, 500. Whether the level needs a reason is the database's
 * one rule (status_request_reason, sql/015: the level of the record's own
 * scheme and scale, its message naming the scale and the mark), mapped to
 * the field reason by db/refusal.c; no second definition here. */
static void
propose(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	enum db_rc rc = db_status_request_create(db, rq->user.id, rq->cap[0], rq->cap[1],
	                                         rq->b[P_STATUS].s, reason_of(rq), &json);

	api_reply(res, db, rc, &json, 201, "record of this activity for that year");
}

/* ---- withdraw, decide ---- */

static const char *
valid_decision(const char *raw, union http_qval *out)
{
	if (strcmp(raw, "approve") == 0)
		out->s = "approved";
	else if (strcmp(raw, "reject") == 0)
		out->s = "rejected";
	else
		return "must be approve or reject";
	return NULL;
}

enum { D_DECISION, D_COMMENT, D_N };

static const struct json_bfield decide_fields[D_N] = {
    [D_DECISION] = {.name = "decision",
                    .kind = JB_TEXT,
                    .required = true,
                    .max = 10,
                    .nonempty = true,
                    .valid = valid_decision},
    [D_COMMENT] = {.name = "comment", .kind = JB_TEXT, .max = 2000, .multiline = true},
};

static const char *
state_name(const char *state)
{
	if (strcmp(state, "approved") == 0)
		return "承認済み";
	if (strcmp(state, "rejected") == 0)
		return "却下済み";
	if (strcmp(state, "withdrawn") == 0)
		return "取り下げ済み";
	return state;
}

/* 200 with the request as it is now; 409 not_pending when it was decided
 * or withdrawn already; else what api_db_error makes of rc (404, 403,
 * 409 locked, 503, 500). */
static void
changed(struct db *db, enum db_rc rc, char **json, const char *state, struct http_response *res)
{
	if (rc == DB_STALE) {
		free(*json);
		*json = NULL;
		http_error(res, 409, "not_pending", NULL, "この申請はすでに%sです。",
		           state_name(state));
	} else {
		api_reply(res, db, rc, json, 200, "status request");
	}
}

/* The requester takes a pending request back: as changed() says. */
static void
withdraw(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL, state[DB_REQUEST_STATE_MAX];
	enum db_rc rc = db_status_request_withdraw(db, rq->user.id, rq->cap[0], &json, state);

	changed(db, rc, &json, state, res);
}

/* A manager of the department (or an admin), not the requester, approves
 * (the status moves in the same transaction) or rejects: as changed(). */
static void
decide(const struct api_req *rq, struct db *db, struct http_response *res)
{
	const char *comment = rq->b[D_COMMENT].present ? rq->b[D_COMMENT].s : "";
	char *json = NULL, state[DB_REQUEST_STATE_MAX];
	enum db_rc rc = db_status_request_decide(db, rq->user.id, rq->cap[0], rq->b[D_DECISION].s,
	                                         comment, &json, state);

	changed(db, rc, &json, state, res);
}

/* ---- the inbox ---- */

static const char *
valid_request_state(const char *raw, union http_qval *out)
{
	static const char *const states[] = {"pending", "approved", "rejected", "withdrawn", NULL};

	out->s = NULL; /* all */
	if (strcmp(raw, "all") == 0 || valid_one_of(raw, states, out))
		return NULL;
	return "must be pending, approved, rejected, withdrawn or all";
}

static const struct http_qfield list_fields[] = {{"state", valid_request_state}};

/* 200 with the inbox (?state=, pending by default): the user's own
 * requests and those they may decide; else api_db_error: 503, 500. */
static void
list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	const char *state = rq->q[0].present ? rq->q[0].v.s : "pending";
	char *json = NULL;

	api_reply(res, db, db_status_request_list(db, rq->user.id, state, &json), &json, 200,
	          "status requests");
}

const struct api_endpoint ep_status_request_create = {
    .handler = propose,
    .body = propose_fields,
    .nbody = P_N,
    .flags = API_SIGNED | API_CSRF,
    .role = ROLE_STAFF,
};
const struct api_endpoint ep_status_request_list = {
    .handler = list,
    .query = list_fields,
    .nquery = 1,
    .flags = API_SIGNED,
    .role = ROLE_VIEWER,
};
const struct api_endpoint ep_status_request_decide = {
    .handler = decide,
    .body = decide_fields,
    .nbody = D_N,
    .flags = API_SIGNED | API_CSRF,
    .role = ROLE_MANAGER,
};
const struct api_endpoint ep_status_request_withdraw = {
    .handler = withdraw,
    .flags = API_SIGNED | API_CSRF,
    .role = ROLE_STAFF,
};
