/* Plans, milestones, indicators, the health check and the progress scale,
 * through the real door against a fake db. */
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
#include "plan.h"
#include "progress.h"

static enum db_rc answer;
static int64_t seen;
static int calls;

static enum db_rc
give(int64_t id, char **json)
{
	calls++;
	seen = id;
	*json = answer == DB_OK ? strdup("{\"items\":[]}") : NULL;
	return answer;
}

enum db_rc
db_plan_list(struct db *db, char **json)
{
	(void)db;
	return give(0, json);
}

enum db_rc
db_plan_get(struct db *db, int64_t id, char **json)
{
	(void)db;
	return give(id, json);
}

enum db_rc
db_milestone_list(struct db *db, int64_t plan, char **json)
{
	(void)db;
	return give(plan, json);
}

enum db_rc
db_indicator_list(struct db *db, int64_t plan, char **json)
{
	(void)db;
	return give(plan, json);
}

enum db_rc
db_health(struct db *db)
{
	(void)db;
	calls++;
	return answer;
}

enum db_rc
db_status_list(struct db *db, int64_t plan, char **json)
{
	(void)db;
	return give(plan, json);
}

enum db_rc
db_scheme_define(struct db *db, int user, int64_t plan, const char *definition, char **json)
{
	(void)db, (void)user, (void)definition;
	return give(plan, json);
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	answer = DB_OK, seen = -1, calls = 0;
	return 0;
}

static void
get(const struct api_endpoint *ep, const char *pattern, const char *path, const char *query,
    struct http_response *res)
{
	fake_call(ep, HTTP_GET, pattern, path, query, NULL, NULL, false, res);
}

static void
test_plans(void **state)
{
	struct http_response res;

	(void)state;
	get(&ep_plans_get, "/api/plans/{id}", "/api/plans/3", NULL, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen, 3);
	http_response_free(&res);
	answer = DB_MISSING;
	get(&ep_milestones_list, "/api/plans/{id}/milestones", "/api/plans/9/milestones", NULL,
	    &res);
	fake_expect(&res, 404, "not_found", NULL);
	get(&ep_plans_list, "/api/plans", "/api/plans", "x=1", &res);
	fake_expect(&res, 400, "bad_parameter", "x");
	assert_int_equal(calls, 2); /* the bad query never reached the db */
}

static void
test_indicators(void **state)
{
	struct http_response res;

	(void)state;
	get(&ep_indicators_list, "/api/indicators", "/api/indicators", "", &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen, 0); /* every plan */
	http_response_free(&res);
	get(&ep_indicators_list, "/api/indicators", "/api/indicators", "plan=2", &res);
	assert_int_equal(seen, 2);
	http_response_free(&res);
	get(&ep_indicators_list, "/api/indicators", "/api/indicators", "plan=two", &res);
	fake_expect(&res, 400, "bad_parameter", "plan");
	assert_int_equal(calls, 2);
}

static void
test_health_and_scale(void **state)
{
	struct http_response res;

	(void)state;
	get(&ep_health, "/api/health", "/api/health", NULL, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, "\"db\":\"ok\""));
	http_response_free(&res);
	answer = DB_AWAY;
	get(&ep_health, "/api/health", "/api/health", NULL, &res);
	assert_int_equal(res.status, 503);
	assert_string_equal(http_get_header(&res, "Retry-After"), "5");
	fake_expect(&res, 503, "db_unavailable", NULL);
	get(&ep_statuses, "/api/statuses", "/api/statuses", NULL, &res);
	fake_expect(&res, 503, "db_unavailable", NULL);
	answer = DB_OK;
	get(&ep_statuses, "/api/statuses", "/api/statuses", NULL, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen, 0); /* the reporting plan's */
	http_response_free(&res);
	get(&ep_statuses, "/api/statuses", "/api/statuses", "plan=3", &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen, 3);
	http_response_free(&res);
	get(&ep_statuses, "/api/statuses", "/api/statuses", "plan=x", &res);
	fake_expect(&res, 400, "bad_parameter", "plan");
	answer = DB_MISSING;
	get(&ep_statuses, "/api/statuses", "/api/statuses", "plan=99", &res);
	fake_expect(&res, 404, "not_found", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_plans, setup),
	    cmocka_unit_test_setup(test_indicators, setup),
	    cmocka_unit_test_setup(test_health_and_scale, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
