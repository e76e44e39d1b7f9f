/* POST /api/reports/{fy}/import: an admin uploads a year's updates as CSV
 * (the columns of progress.csv). dry_run=true checks every row and column
 * and reports; otherwise everything is applied in one transaction, or
 * nothing. Status changes become pending requests unless decided=true. */
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "auth.h"
#include "handlers.h"
#include "yearimport.h"

static const char *
valid_flag(const char *raw, union http_qval *out)
{
	if (strcmp(raw, "true") == 0 || strcmp(raw, "1") == 0)
		out->i = 1;
	else if (strcmp(raw, "false") == 0 || strcmp(raw, "0") == 0)
		out->i = 0;
	else
		return "must be true or false";
	return NULL;
}

enum { Q_DRY_RUN, Q_DECIDED, Q_N };

static const struct http_qfield import_params[Q_N] = {
    [Q_DRY_RUN] = {"dry_run", valid_flag},
    [Q_DECIDED] = {"decided", valid_flag},
};

/* text/csv, as a browser sends a .csv file (Excel: charset may be absent). */
static bool
is_csv(const struct http_request *req)
{
	const char *t = req->content_type;

	return t != NULL && strncasecmp(t, "text/csv", 8) == 0 && (t[8] == '\0' || t[8] == ';');
}

void
h_reports_import(struct http_request *req, struct db *db, struct http_response *res)
{
	struct yearimport_options opt = {0};
	struct http_qresult q[Q_N];
	struct json_object *report = NULL;
	struct auth_user u;
	enum yearimport_result rc;
	int n;

	if (http_query_validate(req, import_params, Q_N, q, res) != 0)
		return;
	if (!is_csv(req)) {
		http_error(res, 415, "unsupported_media_type", NULL,
		           "send the file as text/csv (the columns of progress.csv)");
		return;
	}
	if (auth_require(req, db, AUTH_CSRF, ROLE_ADMIN, &u, res) != 0)
		return;
	opt.fiscal_year = (int)req->captures[0];
	opt.dry_run = q[Q_DRY_RUN].present && q[Q_DRY_RUN].v.i;
	opt.decided = q[Q_DECIDED].present && q[Q_DECIDED].v.i;
	opt.user_id = u.id;
	rc = yearimport_run(db, req->body ? req->body : "", req->content_length, &opt, &report);
	if (rc == YI_DB_ERROR) {
		json_object_put(report);
		http_error_db(res);
		return;
	}
	if (rc == YI_PROBLEMS) {
		n = (int)json_object_array_length(json_object_object_get(report, "problems"));
		json_object_object_add(report, "error",
		                       json_tokener_parse("{\"code\":\"import_problems\"}"));
		json_object_object_add(
		    json_object_object_get(report, "error"), "message",
		    json_object_new_string(n == 1 ? "1 problem: nothing was imported"
		                                  : "problems: nothing was imported"));
	}
	http_json(res, rc == YI_PROBLEMS ? 422 : 200, report);
}
