/* PATCH /api/activities/{id}/years/{fy}: a department's yearly texts.
 * Optimistic locking: If-Match carries the version the editor read; a
 * stale one is 409 with the record as it is now, so nobody's edit is
 * silently overwritten. */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "json_body.h"

enum { E_RESULT, E_PLAN_NEXT, E_CHANGE_REASON, E_N };

static const struct json_bfield year_fields[E_N] = {
    [E_RESULT] = {"result", JB_TEXT, false, 0, 4000, true, false, NULL},
    [E_PLAN_NEXT] = {"plan_next", JB_TEXT, false, 0, 4000, true, false, NULL},
    [E_CHANGE_REASON] = {"change_reason", JB_TEXT, false, 0, 2000, true, false, NULL},
};

static const struct h_refusal year_refusal = {
    "year_why", "year_get", 2, "no record of this activity for that year",
    "only the responsible departments and admins edit this activity"};

void
h_year_patch(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[E_N];
	struct json_body body;
	struct http_qresult q[1];
	struct auth_user u;
	char id[24], fy[24], ver[24];
	const char *p[6] = {h_param_int(id, true, req->captures[0]),
	                    h_param_int(fy, true, req->captures[1]), ver};
	int64_t version;
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    json_body_parse(req, year_fields, E_N, v, &body, res) != 0)
		return;
	if (!v[E_RESULT].present && !v[E_PLAN_NEXT].present && !v[E_CHANGE_REASON].present) {
		http_error(res, 400, "bad_body", NULL,
		           "nothing to change: send result, plan_next or change_reason");
	} else if (h_if_match(req, &version, res) &&
	           auth_require(req, db, AUTH_CSRF, ROLE_STAFF, &u, res) == 0 &&
	           h_begin(db, &u, res) == 0) {
		h_param_int(ver, true, version);
		p[3] = v[E_RESULT].present ? v[E_RESULT].s : NULL;
		p[4] = v[E_PLAN_NEXT].present ? v[E_PLAN_NEXT].s : NULL;
		p[5] = v[E_CHANGE_REASON].present ? v[E_CHANGE_REASON].s : NULL;
		if ((r = h_tx_exec(db, "year_update", 6, p, res)) != NULL) {
			if (PQntuples(r) == 0)
				h_refused(db, &year_refusal, p, res);
			else if (h_tx_json(db, "year_get", 2, p, 200, res) == 0 &&
			         h_commit(db, res) == 0)
				h_etag(res, atoll(PQgetvalue(r, 0, 0)));
			PQclear(r);
		}
	}
	json_body_free(&body);
}
