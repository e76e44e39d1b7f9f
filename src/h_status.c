/* Status changes go through requests: staff propose, a manager of the
 * activity's department (or an admin) decides, and only an approval moves
 * the status, in the same transaction as the decision. */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "json_body.h"
#include "valid.h"

enum { P_STATUS, P_REASON, P_N };

static const struct json_bfield propose_fields[P_N] = {
    [P_STATUS] = {"status", JB_TEXT, true, 0, 20, false, true, valid_status},
    [P_REASON] = {"reason", JB_TEXT, false, 0, 2000, true, false, NULL},
};

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
    [D_DECISION] = {"decision", JB_TEXT, true, 0, 10, false, true, valid_decision},
    [D_COMMENT] = {"comment", JB_TEXT, false, 0, 2000, true, false, NULL},
};

static const char *
valid_request_state(const char *raw, union http_qval *out)
{
	static const char *const states[] = {"pending", "approved", "rejected", "withdrawn"};
	size_t i;

	out->s = NULL; /* all */
	if (strcmp(raw, "all") == 0)
		return NULL;
	for (i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(raw, states[i]) == 0) {
			out->s = states[i];
			return NULL;
		}
	return "must be pending, approved, rejected, withdrawn or all";
}

static const struct http_qfield list_fields[] = {{"state", valid_request_state}};

/* Runs the statement that answers with the request id, as 200/201. */
static void
answer_request(struct db *db, const char *id, int status, struct http_response *res)
{
	const char *p[1] = {id};

	if (h_tx_json(db, "sr_get", 1, p, status, res) == 0)
		h_commit(db, res);
}

/* The insert matched no activity-year this user may propose for. */
static const struct h_refusal propose_refusal = {
    "year_why", "year_get", 2, "no record of this activity for that year",
    "only the responsible departments and admins propose for this activity"};

void
h_status_request_create(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[P_N];
	struct json_body body;
	struct http_qresult q[1];
	struct auth_user u;
	char id[24], fy[24];
	const char *p[4] = {h_param_int(id, true, req->captures[0]),
	                    h_param_int(fy, true, req->captures[1])};
	const char *reason;
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    json_body_parse(req, propose_fields, P_N, v, &body, res) != 0)
		return;
	reason = v[P_REASON].present ? v[P_REASON].s : "";
	p[2] = v[P_STATUS].s, p[3] = reason;
	if ((strcmp(p[2], "delayed") == 0 || strcmp(p[2], "not_started") == 0) &&
	    strspn(reason, " \t\n") == strlen(reason)) {
		http_error(res, 400, "bad_field", "reason", "reason: required for △ and ×");
	} else if (auth_require(req, db, AUTH_CSRF, ROLE_STAFF, &u, res) == 0 &&
	           h_begin(db, &u, res) == 0 &&
	           (r = h_tx_exec(db, "sr_create", 4, p, res)) != NULL) {
		if (PQntuples(r) == 0)
			h_refused(db, &propose_refusal, p, res);
		else
			answer_request(db, PQgetvalue(r, 0, 0), 201, res);
		PQclear(r);
	} else if (res->status == 409) {
		http_response_free(res);
		http_error(res, 409, "pending_request", NULL,
		           "a request for this activity and year is already pending");
	} else if (res->status == 400) {
		http_response_free(res);
		http_error(res, 400, "bad_field", "status",
		           "status: is the current status already");
	}
	json_body_free(&body);
}

/* Withdraw or decide matched nothing: say why. */
static void
request_refused(struct db *db, const char *id, bool deciding, struct http_response *res)
{
	const char *p[1] = {id};
	PGresult *r = h_tx_exec(db, "sr_why", 1, p, res);
	bool own, may_decide;

	if (r == NULL)
		return;
	own = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	may_decide = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 2), "t") == 0;
	if (PQntuples(r) == 0)
		http_error(res, 404, "not_found", NULL, "no status request with id %s", id);
	else if (deciding && own)
		http_error(res, 403, "forbidden", NULL, "nobody decides their own request");
	else if (deciding ? !may_decide : !own)
		http_error(res, 403, "forbidden", NULL,
		           deciding ? "only a manager of the activity's department or an admin "
		                      "decides"
		                    : "only the requester withdraws a request");
	else
		http_error(res, 409, "not_pending", NULL, "the request is %s already",
		           PQgetvalue(r, 0, 0));
	PQclear(r);
	h_rollback(db);
}

void
h_status_request_withdraw(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	struct auth_user u;
	char id[24];
	const char *p[1] = {h_param_int(id, true, req->captures[0])};
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    auth_require(req, db, AUTH_CSRF, ROLE_STAFF, &u, res) != 0 ||
	    h_begin(db, &u, res) != 0 || (r = h_tx_exec(db, "sr_withdraw", 1, p, res)) == NULL)
		return;
	if (PQntuples(r) == 0)
		request_refused(db, id, false, res);
	else
		answer_request(db, id, 200, res);
	PQclear(r);
}

void
h_status_request_decide(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[D_N];
	struct json_body body;
	struct http_qresult q[1];
	struct auth_user u;
	char id[24];
	const char *p[3] = {h_param_int(id, true, req->captures[0])};
	const char *apply[4];
	PGresult *r, *a = NULL;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    json_body_parse(req, decide_fields, D_N, v, &body, res) != 0)
		return;
	p[1] = v[D_DECISION].s;
	p[2] = v[D_COMMENT].present ? v[D_COMMENT].s : "";
	if (auth_require(req, db, AUTH_CSRF, ROLE_MANAGER, &u, res) == 0 &&
	    h_begin(db, &u, res) == 0 && (r = h_tx_exec(db, "sr_decide", 3, p, res)) != NULL) {
		if (PQntuples(r) == 0) {
			request_refused(db, id, true, res);
		} else {
			apply[0] = PQgetvalue(r, 0, 0), apply[1] = PQgetvalue(r, 0, 1);
			apply[2] = PQgetvalue(r, 0, 2), apply[3] = PQgetvalue(r, 0, 3);
			if (strcmp(p[1], "rejected") == 0 ||
			    (a = h_tx_exec(db, "sr_apply", 4, apply, res)) != NULL)
				answer_request(db, id, 200, res);
			PQclear(a);
		}
		PQclear(r);
	}
	json_body_free(&body);
}

void
h_status_request_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	struct auth_user u;
	const char *p[1];

	if (http_query_validate(req, list_fields, 1, q, res) != 0 ||
	    auth_require(req, db, 0, ROLE_VIEWER, &u, res) != 0 || h_begin(db, &u, res) != 0)
		return;
	p[0] = q[0].present ? q[0].v.s : "pending";
	if (h_tx_json(db, "sr_list", 1, p, 200, res) == 0)
		h_commit(db, res);
}
