/* The report handlers through the real door, against a fake db: the
 * summary, the CSV/XLSX files and how each db outcome is answered, and
 * the import (its query parsed at the door, admins only, the CSV checked
 * by the real report/yearimport.c against faked records). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "endpoints.h"
#include "fake_db.h"
#include "report.h"
#include "year_import.h"

static enum db_rc answer;
static int calls, loads, applies;
static int64_t seen_fy, seen_plan;
static struct db_yi_apply seen_apply;
static struct db_yi_change seen_change;
static char seen_result[128];
/* What the change did with the reason: written to the record, or carried
 * by the request (copied: the texts are freed after the call). */
static bool seen_reason_written;
static char seen_request_reason[128], seen_status[32];

/* ---- the db functions the handlers call, faked ---- */

static enum db_rc
json_answer(int64_t fy, int64_t plan, const char *text, char **json)
{
	calls++;
	seen_fy = fy, seen_plan = plan;
	*json = answer == DB_OK ? strdup(text) : NULL;
	return answer;
}

enum db_rc
db_report_summary(struct db *db, int64_t fiscal_year, int64_t plan, char **json)
{
	(void)db;
	return json_answer(fiscal_year, plan, "{\"fiscal_year\":2024,\"total\":105}", json);
}

enum db_rc
db_report_appendix(struct db *db, int64_t fiscal_year, int64_t plan, char **json)
{
	(void)db;
	return json_answer(fiscal_year, plan, "{\"items\":[]}", json);
}

enum db_rc
db_report_differences(struct db *db, int64_t fiscal_year, char **json)
{
	(void)db;
	return json_answer(fiscal_year, 0, "{\"items\":[]}", json);
}

static const char *const titles[DB_EXPORT_COLUMNS] = {"番号",
                                                      "取組番号",
                                                      "取組",
                                                      "実施内容",
                                                      "進捗状況",
                                                      "スケジュールの変更理由",
                                                      "令和元年度 取組結果",
                                                      "令和2年度 取組結果",
                                                      "令和3年度以降の取組予定",
                                                      "所管課"};
/* The same of 2024, the year the import's tests send (the import checks
 * the header against the export's titles). */
static const char *const titles_2024[DB_EXPORT_COLUMNS] = {"番号",
                                                           "取組番号",
                                                           "取組",
                                                           "実施内容",
                                                           "進捗状況",
                                                           "スケジュールの変更理由",
                                                           "令和5年度 取組結果",
                                                           "令和6年度 取組結果",
                                                           "令和7年度以降の取組予定",
                                                           "所管課"};
static const char *cells[DB_EXPORT_COLUMNS] = {"1", "1-1-①", "取組", "窓口", "○",
                                               "",  "前年",  "今年", "来年", "戸籍住民課"};

enum db_rc
db_report_export(struct db *db, int64_t fiscal_year, int64_t plan, struct db_export *out)
{
	int c;

	(void)db;
	calls++;
	seen_fy = fiscal_year, seen_plan = plan;
	memset(out, 0, sizeof *out);
	if (answer != DB_OK)
		return answer;
	for (c = 0; c < DB_EXPORT_COLUMNS; c++)
		out->titles[c] = fiscal_year == 2024 ? titles_2024[c] : titles[c];
	out->sheet = "令和2年度 別紙";
	out->ncols = DB_EXPORT_COLUMNS;
	out->nrows = 1;
	out->cells = malloc(sizeof cells);
	memcpy(out->cells, cells, sizeof cells);
	return DB_OK;
}

void
db_export_free(struct db_export *e)
{
	free(e->cells);
	memset(e, 0, sizeof *e);
}

static struct db_yi_record record = {
    .seq = 1,
    .activity_id = 42,
    .has_record = true,
    .version = 3,
    .measure_code = "1-1-①",
    .activity = "窓口",
    .status = "on_schedule",
    .status2 = "",
    .change_reason = "",
    .result_prev = "前年",
    .result = "今年",
    .plan_next = "来年",
    .departments = "戸籍住民課",
};
static enum db_rc apply_answer;
/* Nakano's scale, as progress_status holds it. */
static struct db_yi_level levels[] = {
    {"exceeded", "◎", 1, false},
    {"on_schedule", "○", 1, false},
    {"delayed", "△", 1, true},
    {"not_started", "×", 1, true},
};

enum db_rc
db_yearimport_load(struct db *db, int fiscal_year, int64_t plan, struct db_yi_current *out)
{
	(void)db;
	loads++;
	seen_fy = fiscal_year, seen_plan = plan;
	memset(out, 0, sizeof *out);
	out->rows = malloc(sizeof record);
	memcpy(out->rows, &record, sizeof record);
	out->n = 1;
	out->levels = levels;
	out->nlevels = sizeof levels / sizeof *levels;
	return DB_OK;
}

void
db_yearimport_free(struct db_yi_current *c)
{
	free(c->rows);
	memset(c, 0, sizeof *c);
}

enum db_rc
db_yearimport_apply(struct db *db, struct db_yi_apply *a)
{
	(void)db;
	applies++;
	seen_apply = *a;
	memset(&seen_change, 0, sizeof seen_change);
	seen_result[0] = '\0';
	if (a->n > 0) {
		seen_change = a->changes[0];
		snprintf(seen_result, sizeof seen_result, "%s",
		         seen_change.result ? seen_change.result : "(null)");
		seen_reason_written = seen_change.change_reason != NULL;
		snprintf(seen_status, sizeof seen_status, "%s",
		         seen_change.status ? seen_change.status : "(null)");
		snprintf(seen_request_reason, sizeof seen_request_reason, "%s",
		         seen_change.reason ? seen_change.reason : "(null)");
	}
	a->failed = apply_answer == DB_OK ? a->n : 0;
	return apply_answer;
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	answer = DB_OK, apply_answer = DB_OK;
	calls = loads = applies = 0;
	seen_fy = seen_plan = 0;
	memset(&seen_apply, 0, sizeof seen_apply);
	return 0;
}

static struct json_object *
body_of(const struct http_response *res)
{
	struct json_object *o = json_tokener_parse(res->body);

	assert_non_null(o);
	return o;
}

/* ---- summary ---- */

/* fake_call_typed without If-Match, which no report endpoint takes. */
static void
call(const struct api_endpoint *ep, enum http_method method, const char *pattern, const char *path,
     const char *query, const char *body, const char *type, bool signed_in,
     struct http_response *res)
{
	fake_call_typed(ep, method, pattern, path, query, body, type, NULL, signed_in, res);
}

static void
test_summary(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_reports_summary, HTTP_GET, "/api/reports/{fy}/summary",
	     "/api/reports/2024/summary", "plan=3", NULL, NULL, false, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen_fy, 2024);
	assert_int_equal(seen_plan, 3);
	http_response_free(&res);
	answer = DB_MISSING;
	call(&ep_reports_summary, HTTP_GET, "/api/reports/{fy}/summary",
	     "/api/reports/2024/summary", NULL, NULL, NULL, false, &res);
	assert_int_equal(res.status, 404);
	assert_string_equal(fake_error_code(&res), "not_found");
	assert_int_equal(seen_plan, 0);
	http_response_free(&res);
	calls = 0;
	call(&ep_reports_summary, HTTP_GET, "/api/reports/{fy}/summary",
	     "/api/reports/2024/summary", "plan=x", NULL, NULL, false, &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "plan");
	assert_int_equal(calls, 0);
	http_response_free(&res);
}

static void
test_appendix_and_differences(void **state)
{
	struct http_response res;

	(void)state;
	answer = DB_MISSING;
	call(&ep_reports_appendix, HTTP_GET, "/api/reports/{fy}/appendix",
	     "/api/reports/2024/appendix", "plan=999", NULL, NULL, false, &res);
	assert_int_equal(res.status, 404);
	http_response_free(&res);
	answer = DB_OK;
	call(&ep_reports_differences, HTTP_GET, "/api/reports/{fy}/differences",
	     "/api/reports/2024/differences", NULL, NULL, NULL, false, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	calls = 0;
	call(&ep_reports_differences, HTTP_GET, "/api/reports/{fy}/differences",
	     "/api/reports/2024/differences", "plan=1", NULL, NULL, false, &res);
	assert_int_equal(res.status, 400);
	assert_int_equal(calls, 0);
	http_response_free(&res);
}

/* ---- the files ---- */

static void
csv(struct http_response *res)
{
	call(&ep_reports_csv, HTTP_GET, "/api/reports/{fy}/progress.csv",
	     "/api/reports/2020/progress.csv", NULL, NULL, NULL, false, res);
}

static void
test_csv(void **state)
{
	struct http_response res;

	(void)state;
	csv(&res);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type, "text/csv; charset=utf-8");
	assert_string_equal(http_get_header(&res, "Content-Disposition"),
	                    "attachment; filename=\"shinchoku-progress-2020.csv\"");
	/* The header in Japanese, as the report prints it. */
	assert_non_null(strstr(res.body, "\xEF\xBB\xBF番号,取組番号,取組,実施内容,進捗状況,"));
	assert_non_null(strstr(res.body,
	                       "令和元年度 取組結果,令和2年度 取組結果,令和3年度以降の取組予定,"
	                       "所管課\r\n"));
	assert_int_equal(seen_fy, 2020);
	http_response_free(&res);

	answer = DB_AWAY;
	csv(&res);
	assert_int_equal(res.status, 503);
	assert_string_equal(fake_error_code(&res), "db_unavailable");
	http_response_free(&res);

	answer = DB_BUG;
	csv(&res);
	assert_int_equal(res.status, 500);
	assert_string_equal(fake_error_code(&res), "internal");
	http_response_free(&res);

	answer = DB_MISSING;
	csv(&res);
	assert_int_equal(res.status, 404);
	http_response_free(&res);
}

static void
test_xlsx(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_reports_xlsx, HTTP_GET, "/api/reports/{fy}/progress.xlsx",
	     "/api/reports/2020/progress.xlsx", NULL, NULL, NULL, false, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type,
	                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	assert_true(res.body_len > 1000 && res.body_len < (1u << 20));
	assert_memory_equal(res.body, "PK", 2);
	http_response_free(&res);
	answer = DB_BUG;
	call(&ep_reports_xlsx, HTTP_GET, "/api/reports/{fy}/progress.xlsx",
	     "/api/reports/2020/progress.xlsx", NULL, NULL, NULL, false, &res);
	assert_int_equal(res.status, 500);
	http_response_free(&res);
}

/* ---- the import ---- */

#define HEADER                                                                                     \
	"seq,measure_code,measure_name,activity,status,change_reason,result_2023,result_2024,"     \
	"plan_2025,departments\r\n"
/* The export's header now: the Japanese titles (the old keys above are
 * still taken, for files exported before). */
#define JA_HEADER                                                                                                            \
	"番号,取組番号,取組,実施内容,進捗状況,スケジュールの変更理由,令和5年度 取組結果," \
	"令和6年度 取組結果,令和7年度以降の取組予定,所管課\r\n"
#define DELAYED_ROW "1,1-1-①,取組,窓口,△,調達が遅れた,前年,今年,来年,戸籍住民課\r\n"

static void
upload(const char *query, const char *body, const char *type, struct http_response *res)
{
	call(&ep_reports_import, HTTP_POST, "/api/reports/{fy}/import", "/api/reports/2024/import",
	     query, body, type, true, res);
}

static void
test_import_dry_run(void **state)
{
	struct http_response res;
	struct json_object *o, *v;

	(void)state;
	fake_sign_in("admin", 9, 0);
	upload("dry_run=true", HEADER "1,1-1-①,取組,窓口,○,,前年,今年（追記）,来年,戸籍住民課\r\n",
	       "text/csv", &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(loads, 1);
	assert_int_equal(applies, 1);
	assert_int_equal(seen_fy, 2024);
	assert_true(seen_apply.dry_run);
	assert_false(seen_apply.decided);
	assert_int_equal(seen_apply.user, 9);
	assert_int_equal(seen_apply.n, 1);
	assert_int_equal(seen_change.activity_id, 42);
	assert_int_equal(seen_change.version, 3);
	assert_string_equal(seen_result, "今年（追記）");
	assert_null(seen_change.status);
	o = body_of(&res);
	assert_true(json_object_object_get_ex(o, "changed_rows", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(o, "applied", &v));
	assert_false(json_object_get_boolean(v));
	json_object_put(o);
	http_response_free(&res);

	/* decided, and a status that needs a reason it lacks: a problem, and
	 * nothing reaches the writes. */
	upload("decided=1", HEADER "1,1-1-①,取組,窓口,△,　,前年,今年,来年,戸籍住民課\r\n",
	       "text/csv; charset=utf-8", &res);
	assert_int_equal(res.status, 422);
	assert_int_equal(applies, 1);
	assert_string_equal(fake_error_code(&res), "import_problems");
	assert_non_null(strstr(
	    res.body, "進捗状況を△にするときは、スケジュールの変更理由を入力してください。"));
	http_response_free(&res);
}

/* A status change that waits for approval: its reason goes with the
 * request, and the record keeps its own reason until the approval, so the
 * report never shows ○ beside a delay's reason. Imported as decided, the
 * reason is the record's at once. */
static void
test_import_request_carries_its_reason(void **state)
{
	struct http_response res;
	struct json_object *o, *v, *q;

	(void)state;
	fake_sign_in("admin", 9, 0);
	upload("", JA_HEADER DELAYED_ROW, "text/csv", &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(applies, 1);
	assert_string_equal(seen_status, "delayed");
	assert_false(seen_reason_written);
	assert_string_equal(seen_request_reason, "調達が遅れた");
	o = body_of(&res);
	assert_true(json_object_object_get_ex(o, "changes", &v));
	assert_int_equal((int)json_object_array_length(v), 0);
	assert_true(json_object_object_get_ex(o, "status_changes", &v));
	q = json_object_array_get_idx(v, 0);
	assert_true(json_object_object_get_ex(q, "reason", &v));
	assert_string_equal(json_object_get_string(v), "調達が遅れた");
	json_object_put(o);
	http_response_free(&res);

	upload("decided=true", JA_HEADER DELAYED_ROW, "text/csv", &res);
	assert_int_equal(res.status, 200);
	assert_true(seen_reason_written);
	http_response_free(&res);
}

static void
test_import_refused_by_the_database(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("admin", 9, 0);
	apply_answer = DB_REFUSED;
	fake_fault("SHLCK", "fiscal_year_locked",
	           "令和6年度は締め切られているため、変更できません。");
	upload(NULL, HEADER "1,1-1-①,取組,窓口,○,,前年,今年（追記）,来年,戸籍住民課\r\n",
	       "text/csv", &res);
	assert_int_equal(res.status, 422);
	assert_false(seen_apply.dry_run);
	/* The one table's words; never the constraint's name. */
	assert_non_null(strstr(res.body, "令和6年度は締め切られているため、変更できません。\""));
	assert_null(strstr(res.body, "fiscal_year_locked"));
	assert_non_null(strstr(res.body, "\"line\":2"));
	http_response_free(&res);
	apply_answer = DB_AWAY;
	upload(NULL, HEADER "1,1-1-①,取組,窓口,○,,前年,今年（追記）,来年,戸籍住民課\r\n",
	       "text/csv", &res);
	assert_int_equal(res.status, 503);
	http_response_free(&res);
	apply_answer = DB_BUG;
	upload(NULL, HEADER "1,1-1-①,取組,窓口,○,,前年,今年（追記）,来年,戸籍住民課\r\n",
	       "text/csv", &res);
	assert_int_equal(res.status, 500);
	http_response_free(&res);
}

static void
test_import_needs_an_admin(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("staff", 5, 3);
	upload("dry_run=true", HEADER, "text/csv", &res);
	assert_int_equal(res.status, 403);
	assert_string_equal(fake_error_code(&res), "forbidden");
	http_response_free(&res);
	fake_sign_in("manager", 6, 3);
	upload("dry_run=true", HEADER, "text/csv", &res);
	assert_int_equal(res.status, 403);
	http_response_free(&res);
	fake_sign_in("", 0, 0);
	upload("dry_run=true", HEADER, "text/csv", &res);
	assert_int_equal(res.status, 401);
	http_response_free(&res);
	assert_int_equal(loads, 0);
	assert_int_equal(applies, 0);
}

static void
test_import_request_checked_at_the_door(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("admin", 9, 0);
	upload("dry_run=maybe", HEADER, "text/csv", &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "dry_run");
	http_response_free(&res);
	upload("dry_run=true", "{\"a\":1}", "application/json", &res);
	assert_int_equal(res.status, 415);
	http_response_free(&res);
	upload("dry_run=true", HEADER, NULL, &res);
	assert_int_equal(res.status, 415);
	http_response_free(&res);
	upload("dry_run=true", HEADER, "text/csvx", &res);
	assert_int_equal(res.status, 415);
	http_response_free(&res);
	/* 415 before the session is looked at, as before. */
	fake_sign_in("staff", 5, 3);
	upload("dry_run=true", "{}", "application/json", &res);
	assert_int_equal(res.status, 415);
	http_response_free(&res);
	assert_int_equal(loads + applies, 0);
	assert_int_equal(fake_db.session_lookups, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_summary, setup),
	    cmocka_unit_test_setup(test_appendix_and_differences, setup),
	    cmocka_unit_test_setup(test_csv, setup),
	    cmocka_unit_test_setup(test_xlsx, setup),
	    cmocka_unit_test_setup(test_import_dry_run, setup),
	    cmocka_unit_test_setup(test_import_request_carries_its_reason, setup),
	    cmocka_unit_test_setup(test_import_refused_by_the_database, setup),
	    cmocka_unit_test_setup(test_import_needs_an_admin, setup),
	    cmocka_unit_test_setup(test_import_request_checked_at_the_door, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
