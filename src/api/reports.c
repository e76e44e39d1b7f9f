/* The council report: table 1 (summary), the appendix table (別紙) as JSON,
 * CSV and XLSX, the differences of a closed year's snapshot, and the
 * import of a year's updates as CSV. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "endpoints.h"
#include "export.h"
#include "report.h"
#include "yearimport.h"

_Static_assert(DB_EXPORT_COLUMNS == EXPORT_COLUMNS && DB_EXPORT_COLUMNS_MAX == EXPORT_COLUMNS_MAX,
               "the files have the db's columns");

/* ?plan= of the summary, the appendix and the files. */
static const struct http_qfield plan_param[] = {{"plan", valid_id}};

static int64_t
plan_of(const struct api_req *rq)
{
	return rq->q[0].present ? rq->q[0].v.i : 0;
}

/* The answer when the year has no row to report (as before: 404). */
static void
nothing_to_report(struct http_response *res, int64_t fy)
{
	http_error(res, 404, "not_found", NULL, "no plan to report for fiscal year %lld",
	           (long long)fy);
}

/* 200 with table 1 of the report (from the snapshot once the round
 * closed); else api_db_error: 404, 503, 500. */
static void
reports_summary(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_report_summary(db, rq->cap[0], plan_of(rq), &json), &json, 200,
	          "report");
}

/* 200 with the appendix, 404 when there is no row, else api_db_error. */
static void
reports_appendix(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	enum db_rc rc = db_report_appendix(db, rq->cap[0], plan_of(rq), &json);

	if (rc == DB_MISSING)
		nothing_to_report(res, rq->cap[0]);
	else
		api_reply(res, db, rc, &json, 200, "report");
}

typedef char *(*export_fn)(const struct export_table *t, size_t *len);

/* The file written by write: 200 as an attachment; 404 when there is no
 * row; 500 when it could not be written; else api_db_error (503 while the
 * database is away, 500 for a failed query). */
static void
export_answer(const struct api_req *rq, struct db *db, struct http_response *res, export_fn write,
              const char *type, const char *ext)
{
	struct db_export e;
	struct export_table t;
	char disposition[96];
	enum db_rc rc;
	char *data;
	size_t len = 0;

	if ((rc = db_report_export(db, rq->cap[0], plan_of(rq), &e)) == DB_MISSING) {
		nothing_to_report(res, rq->cap[0]);
		return;
	}
	if (rc != DB_OK) {
		api_db_error(res, db, rc, "report");
		return;
	}
	t = (struct export_table){.fiscal_year = (int)rq->cap[0],
	                          .ncols = e.ncols,
	                          .nrows = e.nrows,
	                          .cells = e.cells,
	                          .titles = e.titles,
	                          .sheet = e.sheet};
	if ((data = write(&t, &len)) == NULL) {
		http_error(res, 500, "internal", NULL, "the file could not be written");
	} else {
		/* The year has at most 4 digits (the router's fy): it fits. */
		snprintf(disposition, sizeof disposition,
		         "attachment; filename=\"shinchoku-progress-%lld.%s\"",
		         (long long)rq->cap[0], ext);
		http_set_header(res, "Content-Disposition", disposition);
		http_body(res, 200, type, data, len);
	}
	db_export_free(&e);
}

/* progress.csv and progress.xlsx: as export_answer says. */
static void
reports_csv(const struct api_req *rq, struct db *db, struct http_response *res)
{
	export_answer(rq, db, res, export_csv, "text/csv; charset=utf-8", "csv");
}

static void
reports_xlsx(const struct api_req *rq, struct db *db, struct http_response *res)
{
	export_answer(rq, db, res, export_xlsx,
	              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");
}

/* 200 with the edits since the round's snapshot; else api_db_error. */
static void
reports_differences(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_report_differences(db, rq->cap[0], &json), &json, 200, "report");
}

/* ---- the import ---- */

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

enum { Q_DRY_RUN, Q_DECIDED, Q_PLAN, Q_N };

static const struct http_qfield import_params[Q_N] = {
    [Q_DRY_RUN] = {"dry_run", valid_flag},
    [Q_DECIDED] = {"decided", valid_flag},
    [Q_PLAN] = {"plan", valid_id},
};

/* text/csv, as a browser sends a .csv file (Excel: charset may be absent);
 * else 415, before the session is looked at (as before). */
static int
import_is_csv(const struct api_req *rq, struct http_response *res)
{
	const char *t = rq->http->content_type;

	if (t != NULL && strncasecmp(t, "text/csv", 8) == 0 && (t[8] == '\0' || t[8] == ';'))
		return 0;
	http_error(res, 415, "unsupported_media_type", NULL,
	           "send the file as text/csv (the columns of progress.csv)");
	return -1;
}

/* 200 with the report (applied, or a dry run without problems); 422 with
 * it and error.code import_problems; 503 while the database is away; 500
 * when a statement failed. Nothing is written unless 200 and not dry. */
static void
reports_import(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct yearimport_options opt = {
	    .fiscal_year = (int)rq->cap[0],
	    .dry_run = rq->q[Q_DRY_RUN].present && rq->q[Q_DRY_RUN].v.i,
	    .decided = rq->q[Q_DECIDED].present && rq->q[Q_DECIDED].v.i,
	    .plan = rq->q[Q_PLAN].present ? rq->q[Q_PLAN].v.i : 0,
	    .user_id = rq->user.id,
	};
	const char *body = rq->http->body ? rq->http->body : "";
	size_t len = rq->http->body ? rq->http->content_length : 0;
	struct json_object *report = NULL, *error;
	enum yearimport_result rc = yearimport_run(db, body, len, &opt, &report);
	size_t n;

	if (rc == YI_DB_ERROR || rc == YI_BUG) {
		json_object_put(report);
		api_db_error(res, db, rc == YI_DB_ERROR ? DB_AWAY : DB_BUG, "report");
		return;
	}
	if (rc == YI_PROBLEMS) {
		n = json_object_array_length(json_object_object_get(report, "problems"));
		error = json_object_new_object();
		json_object_object_add(error, "code", json_object_new_string("import_problems"));
		json_object_object_add(
		    error, "message",
		    json_object_new_string(n == 1 ? "1 problem: nothing was imported"
		                                  : "problems: nothing was imported"));
		json_object_object_add(report, "error", error);
	}
	http_json(res, rc == YI_PROBLEMS ? 422 : 200, report);
}

const struct api_endpoint ep_reports_summary = {
    .handler = reports_summary, .query = plan_param, .nquery = 1};
const struct api_endpoint ep_reports_appendix = {
    .handler = reports_appendix, .query = plan_param, .nquery = 1};
const struct api_endpoint ep_reports_csv = {
    .handler = reports_csv, .query = plan_param, .nquery = 1};
const struct api_endpoint ep_reports_xlsx = {
    .handler = reports_xlsx, .query = plan_param, .nquery = 1};
const struct api_endpoint ep_reports_differences = {.handler = reports_differences};
const struct api_endpoint ep_reports_import = {
    .handler = reports_import,
    .query = import_params,
    .nquery = Q_N,
    .flags = API_SIGNED | API_CSRF | API_RAW_BODY,
    .role = ROLE_ADMIN,
    .check = import_is_csv,
};
