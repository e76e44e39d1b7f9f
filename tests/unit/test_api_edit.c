/* PATCH /api/activities/{id}/years/{fy} through the real door, against a
 * fake db: what reaches db_year_update, and how each outcome is answered. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "edit.h"
#include "endpoints.h"
#include "fake_db.h"

static int calls, seen_user;
static struct db_year_edit seen;
static char seen_result[64], seen_plan_next[64];
static enum db_rc answer;

enum db_rc
db_year_update(struct db *db, int user, const struct db_year_edit *e, char **json, int64_t *version)
{
	(void)db;
	calls++;
	seen_user = user;
	seen = *e;
	snprintf(seen_result, sizeof seen_result, "%s", e->result ? e->result : "(null)");
	snprintf(seen_plan_next, sizeof seen_plan_next, "%s",
	         e->plan_next ? e->plan_next : "(null)");
	*json = NULL, *version = 0;
	if (answer == DB_OK || answer == DB_STALE) {
		*json = strdup(answer == DB_OK ? "{\"result\":\"mine\",\"version\":4}"
		                               : "{\"result\":\"theirs\",\"version\":5}");
		*version = answer == DB_OK ? 4 : 5;
	}
	return answer;
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	fake_sign_in("staff", 11, 2);
	calls = 0, seen_user = 0, answer = DB_OK;
	memset(&seen, 0, sizeof seen);
	return 0;
}

static void
patch(const char *path, const char *body, const char *if_match, bool signed_in,
      struct http_response *res)
{
	fake_call(&ep_year_patch, HTTP_PATCH, "/api/activities/{id}/years/{fy}", path, NULL, body,
	          if_match, signed_in, res);
}

static void
test_saved(void **state)
{
	struct http_response res;

	(void)state;
	patch("/api/activities/7/years/2024", "{\"result\":\"r\\n2\"}", "W/\"3\"", true, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"4\"");
	assert_non_null(strstr(res.body, "mine"));
	assert_int_equal(calls, 1);
	assert_int_equal(seen_user, 11);
	assert_int_equal(seen.activity, 7);
	assert_int_equal(seen.fiscal_year, 2024);
	assert_int_equal(seen.version, 3);
	assert_string_equal(seen_result, "r\n2");
	assert_string_equal(seen_plan_next, "(null)"); /* absent: left as it is */
	assert_null(seen.change_reason);
	http_response_free(&res);
}

static void
test_bad_input_never_reaches_the_db(void **state)
{
	static const struct {
		const char *body, *if_match;
		int status;
		const char *code, *field;
	} bad[] = {
	    {"{}", "\"3\"", 400, "bad_body", ""},
	    {"{\"result\":1}", "\"3\"", 400, "bad_field", "result"},
	    {"{\"nope\":\"x\"}", "\"3\"", 400, "bad_field", "nope"},
	    {"{\"change_reason\":\"\\u0001\"}", "\"3\"", 400, "bad_field", "change_reason"},
	    {"{\"result\":\"x\"}", NULL, 428, "precondition_required", "If-Match"},
	    {"{\"result\":\"x\"}", "\"abc\"", 400, "bad_header", "If-Match"},
	    {"{\"result\":\"x\"}", "\"0\"", 400, "bad_header", "If-Match"},
	};
	char big[4100];
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		patch("/api/activities/7/years/2024", bad[i].body, bad[i].if_match, true, &res);
		assert_int_equal(res.status, bad[i].status);
		assert_string_equal(fake_error_code(&res), bad[i].code);
		if (bad[i].field[0] != '\0')
			assert_string_equal(fake_error_field(&res), bad[i].field);
		http_response_free(&res);
	}
	/* 4001 characters of plan_next. */
	snprintf(big, sizeof big, "{\"plan_next\":\"%04001d\"}", 0);
	patch("/api/activities/7/years/2024", big, "\"3\"", true, &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "plan_next");
	http_response_free(&res);
	patch("/api/activities/0/years/2024", "{\"result\":\"x\"}", "\"3\"", true, &res);
	assert_int_equal(res.status, 400);
	http_response_free(&res);
	assert_int_equal(calls, 0);
	assert_int_equal(fake_db.session_lookups, 0); /* refused before the session */
}

static void
test_gate(void **state)
{
	struct http_response res;

	(void)state;
	patch("/api/activities/7/years/2024", "{\"result\":\"x\"}", "\"3\"", false, &res);
	assert_int_equal(res.status, 401);
	assert_string_equal(fake_error_code(&res), "unauthenticated");
	http_response_free(&res);
	fake_sign_in("viewer", 12, 0);
	patch("/api/activities/7/years/2024", "{\"result\":\"x\"}", "\"3\"", true, &res);
	assert_int_equal(res.status, 403);
	assert_string_equal(fake_error_code(&res), "forbidden");
	http_response_free(&res);
	assert_int_equal(calls, 0);
}

static void
test_stale_is_409_with_the_record_now(void **state)
{
	struct http_response res;

	(void)state;
	answer = DB_STALE;
	patch("/api/activities/7/years/2024", "{\"result\":\"x\"}", "\"3\"", true, &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_get_header(&res, "ETag"), "\"5\"");
	assert_non_null(strstr(res.body, "theirs"));
	http_response_free(&res);
}

static void
test_outcomes(void **state)
{
	static const struct {
		enum db_rc rc;
		const char *sqlstate, *constraint, *message;
		int status;
		const char *code;
	} cases[] = {
	    {DB_MISSING, "", "", "", 404, "not_found"},
	    {DB_DENIED, "", "", "", 403, "forbidden"},
	    {DB_REFUSED, "SHLCK", "fiscal_year_locked",
	     "令和6年度は締め切られているため、変更できません。", 409, "locked"},
	    {DB_REFUSED, "42501", "", "", 403, "forbidden"},
	    {DB_AWAY, "", "", "", 503, "db_unavailable"},
	    {DB_BUG, "", "", "", 500, "internal"},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		answer = cases[i].rc;
		fake_fault(cases[i].sqlstate, cases[i].constraint, cases[i].message);
		patch("/api/activities/7/years/2024", "{\"plan_next\":\"x\"}", "\"3\"", true, &res);
		assert_int_equal(res.status, cases[i].status);
		assert_string_equal(fake_error_code(&res), cases[i].code);
		assert_null(http_get_header(&res, "ETag"));
		if (cases[i].rc == DB_REFUSED && cases[i].status == 409)
			assert_non_null(strstr(res.body, "令和6年度"));
		http_response_free(&res);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_saved, setup),
	    cmocka_unit_test_setup(test_bad_input_never_reaches_the_db, setup),
	    cmocka_unit_test_setup(test_gate, setup),
	    cmocka_unit_test_setup(test_stale_is_409_with_the_record_now, setup),
	    cmocka_unit_test_setup(test_outcomes, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
