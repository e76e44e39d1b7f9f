/* /api/rounds: the reporting round (照会) of a fiscal year. An admin opens
 * it with a due date; each department sees what it still has to update;
 * the dashboard shows completion per department and what is overdue; the
 * admin closes it, which freezes the year's report as a snapshot. */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "json_body.h"
#include "valid.h"

enum { O_FY, O_DUE, O_N };

static const struct json_bfield open_fields[O_N] = {
    [O_FY] = {"fiscal_year", JB_INT, true, FY_MIN, FY_MAX, false, false, NULL},
    [O_DUE] = {"due_date", JB_TEXT, true, 0, 10, false, true, valid_date},
};

static const struct h_refusal close_refusal = {"round_why", "round_get", 1, "no such round",
                                               "only admins close a round"};

void
h_rounds_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];

	if (http_query_validate(req, NULL, 0, q, res) == 0)
		h_json_query(db, "round_list", 0, NULL, res, "rounds", 0);
}

void
h_rounds_get(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	char id[24];
	const char *p[1] = {h_param_int(id, true, req->captures[0])};

	if (http_query_validate(req, NULL, 0, q, res) == 0)
		h_json_query(db, "round_get", 1, p, res, "round", req->captures[0]);
}

void
h_rounds_open(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[O_N];
	struct json_body body;
	struct http_qresult q[1];
	struct auth_user u;
	char fy[24];
	const char *p[2] = {fy, NULL};
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    json_body_parse(req, open_fields, O_N, v, &body, res) != 0)
		return;
	h_param_int(fy, true, v[O_FY].i);
	p[1] = v[O_DUE].s;
	if (auth_require(req, db, AUTH_CSRF, ROLE_ADMIN, &u, res) == 0 &&
	    h_begin(db, &u, res) == 0 && (r = h_tx_exec(db, "round_open", 2, p, res)) != NULL) {
		if (PQntuples(r) == 0) {
			h_rollback(db);
			http_error(res, 409, "conflict", "fiscal_year",
			           "fiscal_year: %s has no records yet, or is locked", fy);
		} else {
			p[0] = PQgetvalue(r, 0, 0);
			if (h_tx_json(db, "round_get", 1, p, 201, res) == 0)
				h_commit(db, res);
		}
		PQclear(r);
	}
	json_body_free(&body);
}

void
h_rounds_close(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	struct auth_user u;
	char id[24], ver[24];
	const char *p[2] = {h_param_int(id, true, req->captures[0]), ver};
	int64_t version;
	PGresult *r, *s;

	if (http_query_validate(req, NULL, 0, q, res) != 0 || !h_if_match(req, &version, res) ||
	    auth_require(req, db, AUTH_CSRF, ROLE_ADMIN, &u, res) != 0 || h_begin(db, &u, res) != 0)
		return;
	h_param_int(ver, true, version);
	if ((r = h_tx_exec(db, "round_close", 2, p, res)) == NULL)
		return;
	if (PQntuples(r) == 0) {
		h_refused(db, &close_refusal, p, res);
	} else {
		const char *snap[2] = {id, PQgetvalue(r, 0, 0)};

		if ((s = h_tx_exec(db, "round_snapshot", 2, snap, res)) != NULL) {
			PQclear(s);
			if (h_tx_json(db, "round_get", 1, p, 200, res) == 0 &&
			    h_commit(db, res) == 0)
				h_etag(res, atoll(PQgetvalue(r, 0, 1)));
		}
	}
	PQclear(r);
}

/* Needs the user inside the transaction: app_may_edit reads app.user_id. */
void
h_rounds_mine(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	struct auth_user u;
	char id[24];
	const char *p[1] = {h_param_int(id, true, req->captures[0])};
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    auth_require(req, db, 0, ROLE_STAFF, &u, res) != 0 || h_begin(db, &u, res) != 0)
		return;
	/* round_why: whether the round exists, without its whole dashboard. */
	if ((r = h_tx_exec(db, "round_why", 1, p, res)) == NULL)
		return;
	if (PQntuples(r) == 0) {
		h_rollback(db);
		http_error(res, 404, "not_found", NULL, "no round with id %s", id);
	} else if (h_tx_json(db, "round_mine", 1, p, 200, res) == 0) {
		h_commit(db, res);
	}
	PQclear(r);
}

/* GET /api/reports/{fy}/differences: later edits against the snapshot. */
void
h_reports_differences(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	char fy[24];
	const char *p[1] = {h_param_int(fy, true, req->captures[0])};

	if (http_query_validate(req, NULL, 0, q, res) == 0)
		h_json_query(db, "export_differences", 1, p, res, "report", 0);
}
