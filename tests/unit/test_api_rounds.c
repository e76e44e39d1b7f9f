/* /api/rounds through the real door, against a fake db: opening with a
 * due date, closing with If-Match, a department's remaining updates, and
 * how each outcome is answered. */
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
#include "round.h"

static int calls, seen_user;
static int64_t seen_a, seen_b;
static char seen_due[16];
static enum db_rc answer;

static enum db_rc
reply(char **json, const char *body)
{
	*json = answer == DB_OK ? strdup(body) : NULL;
	return answer;
}

enum db_rc
db_round_list(struct db *db, char **json)
{
	(void)db;
	calls++;
	return reply(json, "{\"items\":[]}");
}

enum db_rc
db_round_get(struct db *db, int64_t id, char **json)
{
	(void)db;
	calls++;
	seen_a = id;
	return reply(json, "{\"id\":3}");
}

enum db_rc
db_round_open(struct db *db, int user, int64_t fiscal_year, const char *due_date, char **json)
{
	(void)db;
	calls++;
	seen_user = user, seen_a = fiscal_year;
	snprintf(seen_due, sizeof seen_due, "%s", due_date);
	return reply(json, "{\"id\":3,\"state\":\"open\"}");
}

enum db_rc
db_round_close(struct db *db, int user, int64_t id, int64_t version, char **json,
               int64_t *version_now)
{
	(void)db;
	calls++;
	seen_user = user, seen_a = id, seen_b = version;
	*json = NULL, *version_now = 0;
	if (answer == DB_OK || answer == DB_STALE) {
		*json = strdup(answer == DB_OK ? "{\"state\":\"closed\",\"version\":2}"
		                               : "{\"state\":\"closed\",\"version\":7}");
		*version_now = answer == DB_OK ? 2 : 7;
	}
	return answer;
}

enum db_rc
db_round_mine(struct db *db, int user, int64_t id, char **json)
{
	(void)db;
	calls++;
	seen_user = user, seen_a = id;
	return reply(json, "{\"round_id\":3,\"items\":[]}");
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	fake_sign_in("admin", 1, 0);
	calls = 0, seen_user = 0, seen_a = seen_b = 0, answer = DB_OK;
	seen_due[0] = '\0';
	return 0;
}

static void
open_round(const char *body, bool signed_in, struct http_response *res)
{
	fake_call(&ep_rounds_open, HTTP_POST, "/api/rounds", "/api/rounds", NULL, body, NULL,
	          signed_in, res);
}

static void
close_round(const char *if_match, bool signed_in, struct http_response *res)
{
	fake_call(&ep_rounds_close, HTTP_POST, "/api/rounds/{id}/closure", "/api/rounds/3/closure",
	          NULL, "{}", if_match, signed_in, res);
}

static void
mine(const char *path, bool signed_in, struct http_response *res)
{
	fake_call(&ep_rounds_mine, HTTP_GET, "/api/rounds/{id}/my-updates", path, NULL, NULL, NULL,
	          signed_in, res);
}

static void
test_reads(void **state)
{
	struct http_response res;

	(void)state;
	fake_call(&ep_rounds_list, HTTP_GET, "/api/rounds", "/api/rounds", NULL, NULL, NULL, false,
	          &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	fake_call(&ep_rounds_get, HTTP_GET, "/api/rounds/{id}", "/api/rounds/3", NULL, NULL, NULL,
	          false, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen_a, 3);
	http_response_free(&res);
	assert_int_equal(calls, 2);
	fake_call(&ep_rounds_get, HTTP_GET, "/api/rounds/{id}", "/api/rounds/x", NULL, NULL, NULL,
	          false, &res);
	assert_int_equal(res.status, 400);
	http_response_free(&res);
	fake_call(&ep_rounds_list, HTTP_GET, "/api/rounds", "/api/rounds", "all=1", NULL, NULL,
	          false, &res);
	fake_expect(&res, 400, "bad_parameter", NULL);
	assert_int_equal(calls, 2);
	answer = DB_MISSING;
	fake_call(&ep_rounds_get, HTTP_GET, "/api/rounds/{id}", "/api/rounds/4", NULL, NULL, NULL,
	          false, &res);
	fake_expect(&res, 404, "not_found", NULL);
}

static void
test_open(void **state)
{
	struct http_response res;

	(void)state;
	open_round("{\"fiscal_year\":2024,\"due_date\":\"2025-01-31\"}", true, &res);
	assert_int_equal(res.status, 201);
	assert_int_equal(seen_user, 1);
	assert_int_equal(seen_a, 2024);
	assert_string_equal(seen_due, "2025-01-31");
	http_response_free(&res);
}

static void
test_open_bad_input_and_gate(void **state)
{
	static const struct {
		const char *body, *field;
	} bad[] = {
	    {"{\"fiscal_year\":2024,\"due_date\":\"2025-02-30\"}", "due_date"},
	    {"{\"fiscal_year\":2024,\"due_date\":\"tomorrow\"}", "due_date"},
	    {"{\"fiscal_year\":2024}", "due_date"},
	    {"{\"fiscal_year\":1999,\"due_date\":\"2025-01-31\"}", "fiscal_year"},
	    {"{\"fiscal_year\":\"2024\",\"due_date\":\"2025-01-31\"}", "fiscal_year"},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		open_round(bad[i].body, true, &res);
		fake_expect(&res, 400, "bad_field", bad[i].field);
	}
	open_round("{\"fiscal_year\":2024,\"due_date\":\"2025-01-31\"}", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("staff", 11, 2);
	open_round("{\"fiscal_year\":2024,\"due_date\":\"2025-01-31\"}", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

static void
test_open_outcomes(void **state)
{
	struct http_response res;

	(void)state;
	/* No records in that year yet, or it is locked. */
	answer = DB_MISSING;
	open_round("{\"fiscal_year\":2031,\"due_date\":\"2025-01-31\"}", true, &res);
	assert_non_null(strstr(res.body, "2031"));
	fake_expect(&res, 409, "conflict", "fiscal_year");
	answer = DB_REFUSED;
	fake_fault("23505", "reporting_round_fiscal_year_key", "");
	open_round("{\"fiscal_year\":2024,\"due_date\":\"2025-01-31\"}", true, &res);
	fake_expect(&res, 409, "conflict", "fiscal_year");
	answer = DB_AWAY;
	open_round("{\"fiscal_year\":2024,\"due_date\":\"2025-01-31\"}", true, &res);
	fake_expect(&res, 503, "db_unavailable", NULL);
}

static void
test_close(void **state)
{
	struct http_response res;

	(void)state;
	close_round("\"1\"", true, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"2\"");
	assert_int_equal(seen_a, 3);
	assert_int_equal(seen_b, 1);
	http_response_free(&res);
}

static void
test_close_bad_input_and_gate(void **state)
{
	struct http_response res;

	(void)state;
	close_round(NULL, true, &res);
	fake_expect(&res, 428, "precondition_required", "If-Match");
	close_round("\"x\"", true, &res);
	fake_expect(&res, 400, "bad_header", "If-Match");
	assert_int_equal(fake_db.session_lookups, 0);
	close_round("\"1\"", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("manager", 21, 2);
	close_round("\"1\"", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

static void
test_close_outcomes(void **state)
{
	struct http_response res;

	(void)state;
	answer = DB_STALE;
	close_round("\"1\"", true, &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_get_header(&res, "ETag"), "\"7\"");
	assert_non_null(strstr(res.body, "\"version\":7"));
	http_response_free(&res);
	answer = DB_MISSING;
	close_round("\"1\"", true, &res);
	fake_expect(&res, 404, "not_found", NULL);
	answer = DB_DENIED;
	close_round("\"1\"", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	answer = DB_REFUSED;
	fake_fault("SHLCK", "", "令和6年度は締め切られているため、変更できません。");
	close_round("\"1\"", true, &res);
	fake_expect(&res, 409, "locked", NULL);
}

static void
test_mine(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("staff", 11, 2);
	mine("/api/rounds/3/my-updates", true, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen_user, 11);
	assert_int_equal(seen_a, 3);
	http_response_free(&res);
	mine("/api/rounds/3/my-updates", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("viewer", 12, 0);
	mine("/api/rounds/3/my-updates", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	mine("/api/rounds/0/my-updates", true, &res);
	assert_int_equal(res.status, 400);
	http_response_free(&res);
	assert_int_equal(calls, 1);
	fake_sign_in("staff", 11, 2);
	answer = DB_MISSING;
	mine("/api/rounds/4/my-updates", true, &res);
	fake_expect(&res, 404, "not_found", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_reads, setup),
	    cmocka_unit_test_setup(test_open, setup),
	    cmocka_unit_test_setup(test_open_bad_input_and_gate, setup),
	    cmocka_unit_test_setup(test_open_outcomes, setup),
	    cmocka_unit_test_setup(test_close, setup),
	    cmocka_unit_test_setup(test_close_bad_input_and_gate, setup),
	    cmocka_unit_test_setup(test_close_outcomes, setup),
	    cmocka_unit_test_setup(test_mine, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
