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

static const char *seen_definition;
static int seen_user;

enum db_rc
db_scheme_define(struct db *db, int user, int64_t plan, const char *definition, char **json)
{
	(void)db;
	seen_definition = fake_hold(definition);
	seen_user = user;
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

/* PUT /api/plans/{id}/scheme: admins only, with the CSRF header; the body
 * must be a JSON object, passed on as sent (the database judges its
 * members); what the database says is answered through the door. */
static void
test_scheme_put(void **state)
{
	static const char def[] = "{\"name\":\"x\",\"levels\":[{\"name\":\"a\"}],\"scale\":[]}";
	static const char *const bad[] = {"", "[1]", "\"x\"", "{\"a\":", "{} {}"};
	struct http_response res;
	size_t i;

	(void)state;
	fake_call(&ep_scheme_put, HTTP_PUT, "/api/plans/{id}/scheme", "/api/plans/4/scheme", NULL,
	          def, NULL, false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("manager", 2, 1);
	fake_call(&ep_scheme_put, HTTP_PUT, "/api/plans/{id}/scheme", "/api/plans/4/scheme", NULL,
	          def, NULL, true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);

	fake_sign_in("admin", 1, 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		fake_call(&ep_scheme_put, HTTP_PUT, "/api/plans/{id}/scheme", "/api/plans/4/scheme",
		          NULL, bad[i], NULL, true, &res);
		fake_expect(&res, 400, "bad_body", NULL);
	}
	assert_int_equal(calls, 0);

	fake_call(&ep_scheme_put, HTTP_PUT, "/api/plans/{id}/scheme", "/api/plans/4/scheme", NULL,
	          def, NULL, true, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen, 4);
	assert_int_equal(seen_user, 1);
	assert_string_equal(seen_definition, def);

	answer = DB_MISSING;
	fake_call(&ep_scheme_put, HTTP_PUT, "/api/plans/{id}/scheme", "/api/plans/4/scheme", NULL,
	          def, NULL, true, &res);
	fake_expect(&res, 404, "not_found", NULL);
	answer = DB_REFUSED;
	fake_fault("SHSFX", "scheme_fixed",
	           "年度の記録がある計画の階層・コードの形式・評価の区分は変更できません。");
	fake_call(&ep_scheme_put, HTTP_PUT, "/api/plans/{id}/scheme", "/api/plans/4/scheme", NULL,
	          def, NULL, true, &res);
	fake_expect(&res, 409, "scheme_fixed", NULL);
	fake_fault("23514", "scheme_levels",
	           "階層は 2 から 4 までで、上から順に名前を付けてください（いまは 1）。");
	fake_call(&ep_scheme_put, HTTP_PUT, "/api/plans/{id}/scheme", "/api/plans/4/scheme", NULL,
	          def, NULL, true, &res);
	fake_expect(&res, 400, "bad_field", "levels");
	fake_fault("23505", "progress_status_pkey",
	           "duplicate key value violates unique constraint");
	fake_call(&ep_scheme_put, HTTP_PUT, "/api/plans/{id}/scheme", "/api/plans/4/scheme", NULL,
	          def, NULL, true, &res);
	assert_int_equal(res.status, 409);
	assert_null(strstr(res.body, "duplicate"));
	fake_expect(&res, 409, "conflict", "scale");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_plans, setup),
	    cmocka_unit_test_setup(test_indicators, setup),
	    cmocka_unit_test_setup(test_health_and_scale, setup),
	    cmocka_unit_test_setup(test_scheme_put, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
