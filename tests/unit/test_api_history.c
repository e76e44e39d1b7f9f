/* The activity page's reads through the real door, against a fake db: an
 * activity's history and its status requests are for signed-in users
 * (viewer and up, as /api/audit), 404 without the activity; the
 * dashboard's counts are for anyone, with fy and plan checked first. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audit.h"
#include "dashboard.h"
#include "endpoints.h"
#include "fake_db.h"
#include "status.h"

static struct {
	int calls, user;
	int64_t id, limit, offset, fy, plan;
	enum db_rc rc;
} fk;

static enum db_rc
answer(char **json, const char *text)
{
	fk.calls++;
	*json = fk.rc == DB_OK ? strdup(text) : NULL;
	return fk.rc;
}

enum db_rc
db_activity_history(struct db *db, int64_t activity_id, int64_t limit, int64_t offset, char **json)
{
	(void)db;
	fk.id = activity_id, fk.limit = limit, fk.offset = offset;
	return answer(json, "{\"activity_id\":12,\"total\":0,\"items\":[]}");
}

enum db_rc
db_status_request_of_activity(struct db *db, int user, int64_t activity_id, char **json)
{
	(void)db;
	fk.user = user, fk.id = activity_id;
	return answer(json, "{\"activity_id\":12,\"items\":[]}");
}

enum db_rc
db_dashboard(struct db *db, int64_t fiscal_year, int64_t plan, char **json)
{
	(void)db;
	fk.fy = fiscal_year, fk.plan = plan;
	return answer(json, "{\"fiscal_year\":2024}");
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	memset(&fk, 0, sizeof fk);
	return 0;
}

static void
history(const char *path, const char *query, bool signed_in, struct http_response *res)
{
	fake_call(&ep_activity_history, HTTP_GET, "/api/activities/{id}/history", path, query, NULL,
	          NULL, signed_in, res);
}

static void
requests(const char *path, bool signed_in, struct http_response *res)
{
	fake_call(&ep_activity_requests, HTTP_GET, "/api/activities/{id}/status-requests", path,
	          NULL, NULL, NULL, signed_in, res);
}

static void
dashboard(const char *query, struct http_response *res)
{
	fake_call(&ep_dashboard, HTTP_GET, "/api/dashboard", "/api/dashboard", query, NULL, NULL,
	          false, res);
}

static void
test_every_signed_in_role(void **state)
{
	static const char *const roles[] = {"viewer", "staff", "manager", "admin"};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		fake_sign_in(roles[i], 7, 1);
		history("/api/activities/12/history", NULL, true, &res);
		assert_int_equal(res.status, 200);
		assert_string_equal(res.body, "{\"activity_id\":12,\"total\":0,\"items\":[]}");
		assert_int_equal(fk.id, 12);
		assert_int_equal(fk.limit, 100);
		assert_int_equal(fk.offset, 0);
		http_response_free(&res);
		requests("/api/activities/12/status-requests", true, &res);
		assert_int_equal(res.status, 200);
		assert_int_equal(fk.user, 7);
		assert_int_equal(fk.id, 12);
		http_response_free(&res);
	}
	history("/api/activities/3/history", "limit=5&offset=10", true, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(fk.id, 3);
	assert_int_equal(fk.limit, 5);
	assert_int_equal(fk.offset, 10);
	http_response_free(&res);
}

/* Signed out: 401, and the log is not read. */
static void
test_signed_in_only(void **state)
{
	struct http_response res;

	(void)state;
	history("/api/activities/12/history", NULL, false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	requests("/api/activities/12/status-requests", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	assert_int_equal(fk.calls, 0);
}

static void
test_bad_input(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("viewer", 2, 0);
	history("/api/activities/12/history", "limit=0", true, &res);
	fake_expect(&res, 400, "bad_parameter", "limit");
	history("/api/activities/12/history", "entity=activity", true, &res);
	fake_expect(&res, 400, "bad_parameter", "entity");
	history("/api/activities/0/history", NULL, true, &res);
	fake_expect(&res, 400, "bad_parameter", NULL);
	assert_int_equal(fk.calls, 0);
}

static void
test_missing_and_away(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("staff", 2, 1);
	fk.rc = DB_MISSING;
	history("/api/activities/99/history", NULL, true, &res);
	fake_expect(&res, 404, "not_found", NULL);
	requests("/api/activities/99/status-requests", true, &res);
	fake_expect(&res, 404, "not_found", NULL);
	fk.rc = DB_AWAY;
	history("/api/activities/99/history", NULL, true, &res);
	assert_int_equal(res.status, 503);
	http_response_free(&res);
	dashboard(NULL, &res);
	assert_int_equal(res.status, 503);
	http_response_free(&res);
}

/* Anyone reads the dashboard; fy and plan are optional (0: the latest
 * year, every plan) and checked before the db is asked. */
static void
test_dashboard(void **state)
{
	struct http_response res;

	(void)state;
	dashboard(NULL, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "{\"fiscal_year\":2024}");
	assert_int_equal(fk.fy, 0);
	assert_int_equal(fk.plan, 0);
	http_response_free(&res);
	dashboard("fy=2023&plan=1", &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(fk.fy, 2023);
	assert_int_equal(fk.plan, 1);
	http_response_free(&res);
	assert_int_equal(fk.calls, 2);
	dashboard("fy=1999", &res);
	fake_expect(&res, 400, "bad_parameter", "fy");
	dashboard("plan=x", &res);
	fake_expect(&res, 400, "bad_parameter", "plan");
	dashboard("department=1", &res);
	fake_expect(&res, 400, "bad_parameter", "department");
	assert_int_equal(fk.calls, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_every_signed_in_role, setup),
	    cmocka_unit_test_setup(test_signed_in_only, setup),
	    cmocka_unit_test_setup(test_bad_input, setup),
	    cmocka_unit_test_setup(test_missing_and_away, setup),
	    cmocka_unit_test_setup(test_dashboard, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
