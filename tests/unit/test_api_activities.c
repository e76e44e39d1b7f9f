/* The activity handlers through the real door, against a fake db: what
 * the door hands the db layer (typed filters), and how each db outcome is
 * answered. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "activity.h"
#include "endpoints.h"
#include "fake_db.h"

static struct db_activity_filter seen;
static char seen_q[128];
static int64_t seen_id;
static int calls;
static enum db_rc answer = DB_OK;

enum db_rc
db_activity_list(struct db *db, const struct db_activity_filter *f, char **json)
{
	(void)db;
	calls++;
	seen = *f;
	/* The request dies after the call: keep a copy of the text. */
	snprintf(seen_q, sizeof seen_q, "%s", f->q ? f->q : "(null)");
	*json = answer == DB_OK ? strdup("{\"items\":[]}") : NULL;
	return answer;
}

enum db_rc
db_activity_get(struct db *db, int64_t id, char **json)
{
	(void)db;
	calls++;
	seen_id = id;
	*json = answer == DB_OK ? strdup("{\"id\":7}") : NULL;
	return answer;
}

enum db_rc
db_department_list(struct db *db, char **json)
{
	(void)db;
	calls++;
	*json = strdup("{\"items\":[]}");
	return DB_OK;
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	memset(&seen, 0, sizeof seen);
	calls = 0, seen_id = 0, answer = DB_OK;
	return 0;
}

static void
list(const char *query, struct http_response *res)
{
	fake_call(&ep_activities_list, HTTP_GET, "/api/activities", "/api/activities", query, NULL,
	          NULL, false, res);
}

static void
test_filters_reach_the_db_typed(void **state)
{
	struct http_response res;

	(void)state;
	list("fy=2024&status=%E2%96%B3&q=%EF%BC%A1%EF%BC%A9&limit=5&department=3", &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(calls, 1);
	assert_int_equal(seen.fiscal_year, 2024);
	assert_string_equal(seen.status, "delayed"); /* △ became its key */
	assert_string_equal(seen_q, "ＡＩ");
	assert_int_equal(seen.limit, 5);
	assert_int_equal(seen.offset, 0);
	assert_int_equal(seen.department, 3);
	assert_int_equal(seen.plan, 0);
	assert_null(seen.measure);
	http_response_free(&res);
}

static void
test_defaults(void **state)
{
	struct http_response res;

	(void)state;
	list("", &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen.limit, 100);
	assert_null(seen.status);
	assert_null(seen.q);
	http_response_free(&res);
}

static void
test_bad_input_never_reaches_the_db(void **state)
{
	static const char *const bad[] = {"status=maybe", "fy=1999",         "limit=0",
	                                  "limit=501",    "plan=-1",         "measure=A-A",
	                                  "nope=1",       "fy=2024&fy=2025", "q=%01"};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		list(bad[i], &res);
		assert_int_equal(res.status, 400);
		assert_string_equal(fake_error_code(&res), "bad_parameter");
		http_response_free(&res);
	}
	assert_int_equal(calls, 0);
}

static void
test_db_outcomes(void **state)
{
	struct http_response res;

	(void)state;
	answer = DB_AWAY;
	list("", &res);
	assert_int_equal(res.status, 503);
	assert_string_equal(fake_error_code(&res), "db_unavailable");
	http_response_free(&res);
	answer = DB_BUG;
	list("", &res);
	assert_int_equal(res.status, 500);
	http_response_free(&res);
}

static void
test_get_one(void **state)
{
	struct http_response res;

	(void)state;
	fake_call(&ep_activities_get, HTTP_GET, "/api/activities/{id}", "/api/activities/7", NULL,
	          NULL, NULL, false, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen_id, 7);
	http_response_free(&res);
	answer = DB_MISSING;
	fake_call(&ep_activities_get, HTTP_GET, "/api/activities/{id}", "/api/activities/8", NULL,
	          NULL, NULL, false, &res);
	assert_int_equal(res.status, 404);
	assert_string_equal(fake_error_code(&res), "not_found");
	http_response_free(&res);
	fake_call(&ep_activities_get, HTTP_GET, "/api/activities/{id}", "/api/activities/0", NULL,
	          NULL, NULL, false, &res);
	assert_int_equal(res.status, 400);
	http_response_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_filters_reach_the_db_typed, setup),
	    cmocka_unit_test_setup(test_defaults, setup),
	    cmocka_unit_test_setup(test_bad_input_never_reaches_the_db, setup),
	    cmocka_unit_test_setup(test_db_outcomes, setup),
	    cmocka_unit_test_setup(test_get_one, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
