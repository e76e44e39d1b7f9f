/* /api/fiscal-years through the real door, against a fake db: opening
 * the next year, locking with If-Match, and how each outcome is answered. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "endpoints.h"
#include "fake_db.h"
#include "fiscal.h"

static int calls, seen_user;
static int64_t seen_fy, seen_version, next_year;
static bool seen_locked;
static enum db_rc answer;

enum db_rc
db_fiscal_list(struct db *db, char **json)
{
	(void)db;
	calls++;
	*json = answer == DB_OK ? strdup("{\"items\":[]}") : NULL;
	return answer;
}

enum db_rc
db_fiscal_open(struct db *db, int user, int64_t fiscal_year, char **json, int64_t *next)
{
	(void)db;
	calls++;
	seen_user = user, seen_fy = fiscal_year;
	*json = answer == DB_OK ? strdup("{\"fiscal_year\":2025}") : NULL;
	*next = answer == DB_STALE ? next_year : 0;
	return answer;
}

enum db_rc
db_fiscal_lock(struct db *db, int user, int64_t fiscal_year, int64_t version, bool locked,
               char **json, int64_t *version_now)
{
	(void)db;
	calls++;
	seen_user = user, seen_fy = fiscal_year, seen_version = version, seen_locked = locked;
	*json = NULL, *version_now = 0;
	if (answer == DB_OK || answer == DB_STALE) {
		*json = strdup(answer == DB_OK ? "{\"locked\":true,\"version\":3}"
		                               : "{\"locked\":false,\"version\":9}");
		*version_now = answer == DB_OK ? 3 : 9;
	}
	return answer;
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	fake_sign_in("admin", 1, 0);
	calls = 0, seen_user = 0, seen_fy = seen_version = 0, next_year = 2025;
	seen_locked = false, answer = DB_OK;
	return 0;
}

static void
open_year(const char *body, bool signed_in, struct http_response *res)
{
	fake_call(&ep_fiscal_open, HTTP_POST, "/api/fiscal-years", "/api/fiscal-years", NULL, body,
	          NULL, signed_in, res);
}

static void
lock(const char *body, const char *if_match, bool signed_in, struct http_response *res)
{
	fake_call(&ep_fiscal_lock, HTTP_PATCH, "/api/fiscal-years/{fy}", "/api/fiscal-years/2024",
	          NULL, body, if_match, signed_in, res);
}

static void
test_list(void **state)
{
	struct http_response res;

	(void)state;
	fake_call(&ep_fiscal_list, HTTP_GET, "/api/fiscal-years", "/api/fiscal-years", NULL, NULL,
	          NULL, false, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	fake_call(&ep_fiscal_list, HTTP_GET, "/api/fiscal-years", "/api/fiscal-years", "fy=2024",
	          NULL, NULL, false, &res);
	fake_expect(&res, 400, "bad_parameter", NULL);
	assert_int_equal(calls, 1);
	answer = DB_AWAY;
	fake_call(&ep_fiscal_list, HTTP_GET, "/api/fiscal-years", "/api/fiscal-years", NULL, NULL,
	          NULL, false, &res);
	fake_expect(&res, 503, "db_unavailable", NULL);
}

static void
test_open(void **state)
{
	struct http_response res;

	(void)state;
	open_year("{\"fiscal_year\":2025}", true, &res);
	assert_int_equal(res.status, 201);
	assert_null(http_get_header(&res, "ETag"));
	assert_int_equal(seen_user, 1);
	assert_int_equal(seen_fy, 2025);
	http_response_free(&res);
}

static void
test_open_bad_input_and_gate(void **state)
{
	static const char *const bad[] = {"{\"fiscal_year\":\"2025\"}", "{\"fiscal_year\":1999}",
	                                  "{\"fiscal_year\":2101}", "{}"};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		open_year(bad[i], true, &res);
		fake_expect(&res, 400, "bad_field", "fiscal_year");
	}
	assert_int_equal(fake_db.session_lookups, 0);
	open_year("{\"fiscal_year\":2025}", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("staff", 11, 2);
	open_year("{\"fiscal_year\":2025}", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	fake_sign_in("manager", 21, 2);
	open_year("{\"fiscal_year\":2025}", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

static void
test_open_not_the_next_year(void **state)
{
	struct http_response res;

	(void)state;
	answer = DB_STALE;
	open_year("{\"fiscal_year\":2026}", true, &res);
	assert_non_null(strstr(res.body, "2025"));
	fake_expect(&res, 409, "conflict", "fiscal_year");
	next_year = 0;
	open_year("{\"fiscal_year\":2026}", true, &res);
	fake_expect(&res, 409, "conflict", "fiscal_year");
	answer = DB_REFUSED;
	fake_fault("23505", "fiscal_year_pkey", "");
	open_year("{\"fiscal_year\":2025}", true, &res);
	fake_expect(&res, 409, "conflict", "fiscal_year");
	answer = DB_BUG;
	open_year("{\"fiscal_year\":2025}", true, &res);
	fake_expect(&res, 500, "internal", NULL);
}

static void
test_lock(void **state)
{
	struct http_response res;

	(void)state;
	lock("{\"locked\":true}", "\"2\"", true, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"3\"");
	assert_int_equal(seen_fy, 2024);
	assert_int_equal(seen_version, 2);
	assert_true(seen_locked);
	http_response_free(&res);
	lock("{\"locked\":false}", "2", true, &res);
	assert_int_equal(res.status, 200);
	assert_false(seen_locked);
	http_response_free(&res);
	assert_int_equal(calls, 2);
}

static void
test_lock_bad_input_and_gate(void **state)
{
	struct http_response res;

	(void)state;
	lock("{\"locked\":\"yes\"}", "\"2\"", true, &res);
	fake_expect(&res, 400, "bad_field", "locked");
	lock("{}", "\"2\"", true, &res);
	fake_expect(&res, 400, "bad_field", "locked");
	lock("{\"locked\":true}", NULL, true, &res);
	fake_expect(&res, 428, "precondition_required", "If-Match");
	lock("{\"locked\":true}", "\"v2\"", true, &res);
	fake_expect(&res, 400, "bad_header", "If-Match");
	assert_int_equal(fake_db.session_lookups, 0);
	lock("{\"locked\":true}", "\"2\"", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("staff", 11, 2);
	lock("{\"locked\":true}", "\"2\"", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

static void
test_lock_outcomes(void **state)
{
	struct http_response res;

	(void)state;
	answer = DB_STALE;
	lock("{\"locked\":false}", "\"2\"", true, &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_get_header(&res, "ETag"), "\"9\"");
	assert_non_null(strstr(res.body, "\"version\":9"));
	http_response_free(&res);
	answer = DB_MISSING;
	lock("{\"locked\":false}", "\"2\"", true, &res);
	fake_expect(&res, 404, "not_found", NULL);
	answer = DB_DENIED;
	lock("{\"locked\":false}", "\"2\"", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	answer = DB_REFUSED;
	fake_fault("SHLCK", "", "令和6年度は締め切られているため、変更できません。");
	lock("{\"locked\":false}", "\"2\"", true, &res);
	assert_non_null(strstr(res.body, "令和6年度"));
	fake_expect(&res, 409, "locked", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_list, setup),
	    cmocka_unit_test_setup(test_open, setup),
	    cmocka_unit_test_setup(test_open_bad_input_and_gate, setup),
	    cmocka_unit_test_setup(test_open_not_the_next_year, setup),
	    cmocka_unit_test_setup(test_lock, setup),
	    cmocka_unit_test_setup(test_lock_bad_input_and_gate, setup),
	    cmocka_unit_test_setup(test_lock_outcomes, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
