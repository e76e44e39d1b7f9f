/* /api/fiscal-years: the years the portal keeps; an admin opens the next
 * one (every activity gets a record, its plan carried over, status empty)
 * and locks a closed one, after which its records answer 409. */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "json_body.h"
#include "valid.h"

static const struct json_bfield open_fields[] = {
    {"fiscal_year", JB_INT, true, FY_MIN, FY_MAX, false, false, NULL},
};

static const struct json_bfield lock_fields[] = {
    {"locked", JB_BOOL, true, 0, 0, false, false, NULL},
};

static const struct h_refusal lock_refusal = {"fy_why", "fy_get", 1, "no such fiscal year",
                                              "only admins lock fiscal years"};

void
h_fiscal_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];

	if (http_query_validate(req, NULL, 0, q, res) == 0)
		h_json_query(db, "fy_list", 0, NULL, res, "fiscal years", 0);
}

/* Nothing was opened: say which year can be. */
static void
open_refused(struct db *db, struct http_response *res)
{
	PGresult *r = h_tx_exec(db, "fy_next", 0, NULL, res);

	if (r == NULL)
		return;
	http_error(res, 409, "conflict", "fiscal_year",
	           "fiscal_year: the next year to open is %s, with records in the year before",
	           PQgetvalue(r, 0, 0));
	PQclear(r);
	h_rollback(db);
}

void
h_fiscal_open(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[1];
	struct json_body body;
	struct http_qresult q[1];
	struct auth_user u;
	char fy[24];
	const char *p[1] = {fy};
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    json_body_parse(req, open_fields, 1, v, &body, res) != 0)
		return;
	h_param_int(fy, true, v[0].i);
	if (auth_require(req, db, AUTH_CSRF, ROLE_ADMIN, &u, res) == 0 &&
	    h_begin(db, &u, res) == 0 && (r = h_tx_exec(db, "fy_open", 1, p, res)) != NULL) {
		if (strcmp(PQgetvalue(r, 0, 0), "0") == 0)
			open_refused(db, res);
		else if (h_tx_json(db, "fy_get", 1, p, 201, res) == 0)
			h_commit(db, res);
		PQclear(r);
	}
	json_body_free(&body);
}

void
h_fiscal_lock(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[1];
	struct json_body body;
	struct http_qresult q[1];
	struct auth_user u;
	char fy[24], ver[24];
	const char *p[3] = {h_param_int(fy, true, req->captures[0]), ver, NULL};
	int64_t version;
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    json_body_parse(req, lock_fields, 1, v, &body, res) != 0)
		return;
	p[2] = v[0].b ? "t" : "f";
	if (h_if_match(req, &version, res) &&
	    auth_require(req, db, AUTH_CSRF, ROLE_ADMIN, &u, res) == 0 &&
	    h_begin(db, &u, res) == 0) {
		h_param_int(ver, true, version);
		if ((r = h_tx_exec(db, "fy_lock", 3, p, res)) != NULL) {
			if (PQntuples(r) == 0)
				h_refused(db, &lock_refusal, p, res);
			else if (h_tx_json(db, "fy_get", 1, p, 200, res) == 0 &&
			         h_commit(db, res) == 0)
				h_etag(res, atoll(PQgetvalue(r, 0, 0)));
			PQclear(r);
		}
	}
	json_body_free(&body);
}
