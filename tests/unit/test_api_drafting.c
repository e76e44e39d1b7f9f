/* Writing the next plan (api/drafting.c, api/indicators.c) through the real
 * door, against a fake db: what reaches db_drafting_write, the gates (401,
 * 403, 428), bad input as a 400 naming the field before any call, and how
 * each outcome is answered (409 stale with the record and ETag, the
 * refusals of db/refusal.c, the comparison's CSV). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drafting.h"
#include "endpoints.h"
#include "fake_db.h"

static int calls, seen_user;
static struct db_dr_write seen;
static char seen_text[3][128];
static bool seen_text_null[3];
static enum db_dr_read seen_read;
static int64_t seen_id, seen_id2;
static enum db_rc answer;

enum db_rc
db_drafting_write(struct db *db, int user, const struct db_dr_write *w, char **json,
                  int64_t *version)
{
	int i;

	(void)db;
	calls++;
	seen_user = user;
	seen = *w;
	for (i = 0; i < 3; i++) {
		seen_text_null[i] = w->text[i] == NULL;
		snprintf(seen_text[i], sizeof seen_text[i], "%s", w->text[i] ? w->text[i] : "");
	}
	*json = NULL, *version = 0;
	if (answer == DB_OK || answer == DB_STALE) {
		*json = strdup(answer == DB_OK ? "{\"id\":5,\"version\":2}"
		                               : "{\"id\":5,\"version\":7}");
		*version = answer == DB_OK ? 2 : 7;
	}
	return answer;
}

enum db_rc
db_drafting_read(struct db *db, enum db_dr_read what, int64_t id, int64_t id2, char **json)
{
	(void)db;
	calls++;
	seen_read = what, seen_id = id, seen_id2 = id2;
	*json = answer == DB_OK ? strdup("{\"rows\":[]}") : NULL;
	return answer;
}

static const char *compare_cells[2 * DB_COMPARE_COLUMNS] = {"施策",
                                                            "継続",
                                                            "1-1-①",
                                                            "名称",
                                                            "",
                                                            "1-1-①",
                                                            "名称",
                                                            "",
                                                            "continued",
                                                            "取組",
                                                            "名称変更",
                                                            "1-1-①",
                                                            "旧",
                                                            "戸籍住民課",
                                                            "1-1-①",
                                                            "=SUM(A1)",
                                                            "戸籍住民課、産業振興課",
                                                            "renamed"};

enum db_rc
db_drafting_compare_table(struct db *db, int64_t draft, int64_t with, struct db_compare_table *out)
{
	(void)db;
	calls++;
	seen_id = draft, seen_id2 = with;
	memset(out, 0, sizeof *out);
	if (answer != DB_OK)
		return answer;
	out->nrows = 2;
	out->cells = malloc(sizeof compare_cells);
	memcpy(out->cells, compare_cells, sizeof compare_cells);
	return DB_OK;
}

void
db_drafting_compare_free(struct db_compare_table *t)
{
	free(t->cells);
	memset(t, 0, sizeof *t);
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	fake_sign_in("admin", 1, 0);
	calls = 0, seen_user = 0, answer = DB_OK;
	memset(&seen, 0, sizeof seen);
	return 0;
}

/* One call of ep at pattern/path. */
static void
call(const struct api_endpoint *ep, enum http_method m, const char *pattern, const char *path,
     const char *query, const char *body, const char *if_match, struct http_response *res)
{
	fake_call(ep, m, pattern, path, query, body, if_match, true, res);
}

static void
test_goal_create(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_dr_goal_create, HTTP_POST, "/api/plans/{id}/goals", "/api/plans/7/goals", NULL,
	     "{\"number\":3,\"title\":\"目標３\"}", NULL, &res);
	assert_int_equal(res.status, 201);
	assert_string_equal(http_get_header(&res, "ETag"), "\"2\"");
	http_response_free(&res);
	assert_int_equal(seen.op, DR_GOAL_CREATE);
	assert_int_equal(seen.id, 7);
	assert_int_equal(seen.num[0], 3);
	assert_string_equal(seen_text[0], "目標３");
	assert_int_equal(seen_user, 1);
}

static void
test_bad_input_names_the_field(void **state)
{
	static const struct {
		const struct api_endpoint *ep;
		const char *pattern, *path, *body, *field;
	} cases[] = {
	    {&ep_dr_goal_create, "/api/plans/{id}/goals", "/api/plans/7/goals",
	     "{\"number\":0,\"title\":\"x\"}", "number"},
	    {&ep_dr_goal_create, "/api/plans/{id}/goals", "/api/plans/7/goals",
	     "{\"number\":1,\"title\":\"　\"}", "title"},
	    {&ep_dr_measure_create, "/api/plans/{id}/measures", "/api/plans/7/measures",
	     "{\"code\":\"一の一\",\"name\":\"x\"}", "code"},
	    {&ep_dr_measure_create, "/api/plans/{id}/measures", "/api/plans/7/measures",
	     "{\"code\":\"1-1-①\"}", "name"},
	    {&ep_dr_activity_create, "/api/measures/{id}/activities", "/api/measures/7/activities",
	     "{\"name\":\"x\",\"position\":0}", "position"},
	    {&ep_dr_dept_add, "/api/activities/{id}/departments", "/api/activities/7/departments",
	     "{\"department_id\":\"1\"}", "department_id"},
	    {&ep_dr_carry_over, "/api/plans/{id}/carry-over", "/api/plans/7/carry-over",
	     "{\"measure_id\":1,\"code\":\"①\"}", "code"},
	    {&ep_ind_create, "/api/plans/{id}/indicators", "/api/plans/7/indicators",
	     "{\"goal_id\":1,\"name\":\"x\",\"unit\":\"\"}", "unit"},
	    {&ep_val_create, "/api/indicators/{id}/values", "/api/indicators/7/values",
	     "{\"fiscal_year\":2026,\"kind\":\"plan\",\"value\":\"1\",\"text\":\"1\"}", "kind"},
	    {&ep_val_create, "/api/indicators/{id}/values", "/api/indicators/7/values",
	     "{\"fiscal_year\":2026,\"kind\":\"actual\",\"value\":\"約1\",\"text\":\"1\"}",
	     "value"},
	    {&ep_val_create, "/api/indicators/{id}/values", "/api/indicators/7/values",
	     "{\"fiscal_year\":2026,\"kind\":\"actual\",\"value\":1,\"text\":\"1\"}", "value"},
	    {&ep_val_create, "/api/indicators/{id}/values", "/api/indicators/7/values",
	     "{\"fiscal_year\":2026,\"kind\":\"actual\",\"value\":\"1.\",\"text\":\"1\"}", "value"},
	    {&ep_val_create, "/api/indicators/{id}/values", "/api/indicators/7/values",
	     "{\"fiscal_year\":2026,\"kind\":\"actual\",\"value\":\"1\",\"text\":\" \"}", "text"},
	    {&ep_fn_create, "/api/plans/{id}/footnotes", "/api/plans/7/footnotes",
	     "{\"number\":100,\"text\":\"x\"}", "number"},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		call(cases[i].ep, HTTP_POST, cases[i].pattern, cases[i].path, NULL, cases[i].body,
		     NULL, &res);
		fake_expect(&res, 400, "bad_field", cases[i].field);
	}
	assert_int_equal(calls, 0);
	assert_int_equal(fake_db.session_lookups, 0);
}

static void
test_values_accept_decimals_and_none(void **state)
{
	static const char *const ok[] = {"2310000", "63.5", "-1", "", "0.000001"};
	char body[160];
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(body, sizeof body,
		         "{\"fiscal_year\":2026,\"kind\":\"target\",\"value\":\"%s\",\"text\":"
		         "\"約231万件\"}",
		         ok[i]);
		call(&ep_val_create, HTTP_POST, "/api/indicators/{id}/values",
		     "/api/indicators/7/values", NULL, body, NULL, &res);
		assert_int_equal(res.status, 201);
		http_response_free(&res);
		assert_string_equal(seen_text[1], ok[i]);
	}
	assert_string_equal(seen_text[0], "target");
	assert_string_equal(seen_text[2], "約231万件");
	assert_int_equal(seen.num[0], 2026);
}

static void
test_gates(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("staff", 11, 2);
	call(&ep_dr_goal_create, HTTP_POST, "/api/plans/{id}/goals", "/api/plans/7/goals", NULL,
	     "{\"number\":3,\"title\":\"x\"}", NULL, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	fake_sign_in("manager", 21, 2);
	call(&ep_dr_decide, HTTP_POST, "/api/proposals/{id}/decision", "/api/proposals/3/decision",
	     NULL, "{\"accept\":true}", "\"1\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	call(&ep_val_patch, HTTP_PATCH, "/api/indicators/{id}/values/{fy}",
	     "/api/indicators/3/values/2024", "kind=actual", "{\"text\":\"x\"}", "\"1\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	fake_sign_in("viewer", 31, 0);
	call(&ep_dr_propose, HTTP_POST, "/api/plans/{id}/proposals", "/api/plans/7/proposals", NULL,
	     "{\"measure_id\":1,\"name\":\"x\"}", NULL, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	fake_call(&ep_dr_measure_delete, HTTP_DELETE, "/api/measures/{id}", "/api/measures/3", NULL,
	          NULL, "\"1\"", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	assert_int_equal(calls, 0);
	fake_sign_in("admin", 1, 0);
	call(&ep_dr_measure_patch, HTTP_PATCH, "/api/measures/{id}", "/api/measures/3", NULL,
	     "{\"name\":\"x\"}", NULL, &res);
	fake_expect(&res, 428, "precondition_required", "If-Match");
	call(&ep_dr_measure_patch, HTTP_PATCH, "/api/measures/{id}", "/api/measures/3", NULL, "{}",
	     "\"1\"", &res);
	fake_expect(&res, 400, "bad_body", NULL);
	call(&ep_val_delete, HTTP_DELETE, "/api/indicators/{id}/values/{fy}",
	     "/api/indicators/3/values/2024", NULL, NULL, "\"1\"", &res);
	fake_expect(&res, 400, "bad_parameter", "kind");
	call(&ep_val_delete, HTTP_DELETE, "/api/indicators/{id}/values/{fy}",
	     "/api/indicators/3/values/2024", "kind=plan", NULL, "\"1\"", &res);
	fake_expect(&res, 400, "bad_parameter", "kind");
	assert_int_equal(calls, 0);
}

static void
test_update_outcomes(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_dr_measure_patch, HTTP_PATCH, "/api/measures/{id}", "/api/measures/3", NULL,
	     "{\"code\":\"1-2-③\"}", "\"1\"", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen.op, DR_MEASURE_UPDATE);
	assert_int_equal(seen.version, 1);
	assert_string_equal(seen_text[0], "1-2-③");
	assert_true(seen_text_null[1]);
	answer = DB_STALE;
	call(&ep_dr_measure_patch, HTTP_PATCH, "/api/measures/{id}", "/api/measures/3", NULL,
	     "{\"name\":\"x\"}", "\"1\"", &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_get_header(&res, "ETag"), "\"7\"");
	assert_non_null(strstr(res.body, "\"version\":7"));
	http_response_free(&res);
	answer = DB_REFUSED;
	fake_fault("23505", "measure_plan_id_code_key", "duplicate key");
	call(&ep_dr_measure_create, HTTP_POST, "/api/plans/{id}/measures", "/api/plans/7/measures",
	     NULL, "{\"code\":\"1-1-①\",\"name\":\"x\"}", NULL, &res);
	assert_non_null(strstr(res.body, "施策コード"));
	assert_null(strstr(res.body, "measure_plan_id_code_key"));
	fake_expect(&res, 409, "conflict", "code");
	fake_fault("SHDRF", "plan_not_draft",
	           "策定中の計画（段階が「策定中」のもの）だけを編集できます。");
	call(&ep_dr_goal_delete, HTTP_DELETE, "/api/goals/{id}", "/api/goals/3", NULL, NULL,
	     "\"1\"", &res);
	assert_non_null(strstr(res.body, "策定中"));
	fake_expect(&res, 409, "not_draft", NULL);
	fake_fault("23503", "activity_year_activity_id_fkey", "");
	call(&ep_dr_activity_delete, HTTP_DELETE, "/api/activities/{id}", "/api/activities/3", NULL,
	     NULL, "\"1\"", &res);
	fake_expect(&res, 409, "has_records", NULL);
	fake_fault("23514", "activity_proposal_pending_measure", "");
	call(&ep_dr_measure_delete, HTTP_DELETE, "/api/measures/{id}", "/api/measures/3", NULL,
	     NULL, "\"1\"", &res);
	fake_expect(&res, 409, "has_proposals", NULL);
	fake_fault("23514", "activity_proposal_decline_comment", "");
	call(&ep_dr_decide, HTTP_POST, "/api/proposals/{id}/decision", "/api/proposals/3/decision",
	     NULL, "{\"accept\":false}", "\"1\"", &res);
	fake_expect(&res, 400, "bad_field", "comment");
	answer = DB_MISSING;
	call(&ep_dr_carry_over, HTTP_POST, "/api/plans/{id}/carry-over", "/api/plans/7/carry-over",
	     NULL, "{\"measure_id\":99}", NULL, &res);
	fake_expect(&res, 404, "not_found", NULL);
}

static void
test_department_routes(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_dr_dept_add, HTTP_POST, "/api/activities/{id}/departments",
	     "/api/activities/4/departments", NULL, "{\"department_id\":9,\"position\":1}", NULL,
	     &res);
	assert_int_equal(res.status, 201);
	http_response_free(&res);
	assert_int_equal(seen.op, DR_DEPT_ADD);
	assert_int_equal(seen.num[0], 9);
	assert_int_equal(seen.num[1], 1);
	call(&ep_dr_dept_patch, HTTP_PATCH, "/api/activities/{id}/departments/{department}",
	     "/api/activities/4/departments/9", NULL, "{\"position\":2}", "\"3\"", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen.op, DR_DEPT_MOVE);
	assert_int_equal(seen.id2, 9);
	assert_int_equal(seen.num[0], 2);
	assert_int_equal(seen.version, 3);
	call(&ep_dr_dept_remove, HTTP_DELETE, "/api/activities/{id}/departments/{department}",
	     "/api/activities/4/departments/9", NULL, NULL, "\"4\"", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen.op, DR_DEPT_REMOVE);
}

static void
test_proposals(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("staff", 11, 2);
	call(&ep_dr_propose, HTTP_POST, "/api/plans/{id}/proposals", "/api/plans/7/proposals", NULL,
	     "{\"measure_id\":4,\"name\":\"提案\",\"note\":\"一行目\\n二行目\"}", NULL, &res);
	assert_int_equal(res.status, 201);
	http_response_free(&res);
	assert_int_equal(seen.op, DR_PROPOSE);
	assert_int_equal(seen.num[0], 4);
	assert_int_equal(seen.num[1], 2); /* the user's own department */
	assert_string_equal(seen_text[1], "一行目\n二行目");
	answer = DB_DENIED;
	call(&ep_dr_propose, HTTP_POST, "/api/plans/{id}/proposals", "/api/plans/7/proposals", NULL,
	     "{\"measure_id\":4,\"name\":\"x\",\"department_id\":5}", NULL, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(seen.num[1], 5);
	/* An admin without a department names one. */
	fake_sign_in("admin", 1, 0);
	calls = 0;
	call(&ep_dr_propose, HTTP_POST, "/api/plans/{id}/proposals", "/api/plans/7/proposals", NULL,
	     "{\"measure_id\":4,\"name\":\"x\"}", NULL, &res);
	fake_expect(&res, 400, "bad_field", "department_id");
	assert_int_equal(calls, 0);
	answer = DB_OK;
	fake_sign_in("staff", 11, 2);
	call(&ep_dr_proposals, HTTP_GET, "/api/plans/{id}/proposals", "/api/plans/7/proposals",
	     NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen_read, DR_PROPOSALS);
	assert_int_equal(seen_id2, 11);
	fake_sign_in("admin", 1, 0);
	call(&ep_dr_decide, HTTP_POST, "/api/proposals/{id}/decision", "/api/proposals/3/decision",
	     NULL, "{\"accept\":\"yes\"}", "\"1\"", &res);
	fake_expect(&res, 400, "bad_field", "accept");
	call(&ep_dr_decide, HTTP_POST, "/api/proposals/{id}/decision", "/api/proposals/3/decision",
	     NULL, "{\"accept\":true,\"comment\":\"採用\"}", "\"2\"", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_true(seen.flag);
	assert_int_equal(seen.version, 2);
}

static void
test_comparison(void **state)
{
	static const char expected[] =
	    "\xEF\xBB\xBF"
	    "種別,区分,現行計画の施策,現行計画の名称,現行計画の所管課,新計画の施策,新計画の名称,"
	    "新計画の所管課,status\r\n"
	    "施策,継続,1-1-①,名称,,1-1-①,名称,,continued\r\n"
	    "取組,名称変更,1-1-①,旧,戸籍住民課,1-1-①,\"'=SUM(A1)\",戸籍住民課、産業振興課,"
	    "renamed\r\n";
	struct http_response res;

	(void)state;
	call(&ep_dr_comparison, HTTP_GET, "/api/plans/{id}/comparison", "/api/plans/7/comparison",
	     "with=1", NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen_read, DR_COMPARISON);
	assert_int_equal(seen_id, 7);
	assert_int_equal(seen_id2, 1);
	call(&ep_dr_comparison, HTTP_GET, "/api/plans/{id}/comparison", "/api/plans/7/comparison",
	     "with=x", NULL, NULL, &res);
	fake_expect(&res, 400, "bad_parameter", "with");
	call(&ep_dr_comparison_csv, HTTP_GET, "/api/plans/{id}/comparison.csv",
	     "/api/plans/7/comparison.csv", NULL, NULL, NULL, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen_id2, 0);
	assert_int_equal(res.body_len, sizeof expected - 1);
	assert_memory_equal(res.body, expected, sizeof expected - 1);
	assert_string_equal(http_get_header(&res, "Content-Disposition"),
	                    "attachment; filename=\"shinchoku-comparison-7.csv\"");
	http_response_free(&res);
	answer = DB_MISSING;
	call(&ep_dr_comparison_csv, HTTP_GET, "/api/plans/{id}/comparison.csv",
	     "/api/plans/7/comparison.csv", "with=3", NULL, NULL, &res);
	fake_expect(&res, 404, "not_found", NULL);
	answer = DB_AWAY;
	call(&ep_dr_comparison, HTTP_GET, "/api/plans/{id}/comparison", "/api/plans/7/comparison",
	     NULL, NULL, NULL, &res);
	fake_expect(&res, 503, "db_unavailable", NULL);
}

static void
test_value_patch(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_val_patch, HTTP_PATCH, "/api/indicators/{id}/values/{fy}",
	     "/api/indicators/3/values/2025", "kind=target", "{\"value\":\"\"}", "\"4\"", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen.op, DR_VALUE_UPDATE);
	assert_int_equal(seen.id, 3);
	assert_int_equal(seen.id2, 2025);
	assert_int_equal(seen.version, 4);
	assert_string_equal(seen_text[0], "target");
	assert_false(seen_text_null[1]);
	assert_string_equal(seen_text[1], "");
	assert_true(seen_text_null[2]);
	call(&ep_val_patch, HTTP_PATCH, "/api/indicators/{id}/values/{fy}",
	     "/api/indicators/3/values/2025", "kind=target", "{}", "\"4\"", &res);
	fake_expect(&res, 400, "bad_body", NULL);
	answer = DB_REFUSED;
	fake_fault("23505", "indicator_value_pkey", "");
	call(&ep_val_create, HTTP_POST, "/api/indicators/{id}/values", "/api/indicators/7/values",
	     NULL, "{\"fiscal_year\":2026,\"kind\":\"actual\",\"value\":\"1\",\"text\":\"1\"}",
	     NULL, &res);
	fake_expect(&res, 409, "conflict", "fiscal_year");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_goal_create, setup),
	    cmocka_unit_test_setup(test_bad_input_names_the_field, setup),
	    cmocka_unit_test_setup(test_values_accept_decimals_and_none, setup),
	    cmocka_unit_test_setup(test_gates, setup),
	    cmocka_unit_test_setup(test_update_outcomes, setup),
	    cmocka_unit_test_setup(test_department_routes, setup),
	    cmocka_unit_test_setup(test_proposals, setup),
	    cmocka_unit_test_setup(test_comparison, setup),
	    cmocka_unit_test_setup(test_value_patch, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
