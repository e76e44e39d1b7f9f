/* A plan's steps and the milestone writes through the real door, against
 * a fake db: who may, what the door refuses before the database is asked,
 * and how each outcome of the db layer is answered. */
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
#include "lifecycle.h"

static int calls, seen_user;
static enum db_rc answer;
static struct db_plan_step seen_step;
static struct db_milestone_edit seen_ms;
static char seen_to[32], seen_reason[64], seen_month[16], seen_end[16], seen_date[16];

static void
keep(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s == NULL ? "(null)" : s);
}

static enum db_rc
written(char **json, int64_t *version)
{
	*json = NULL, *version = 0;
	if (answer == DB_OK || answer == DB_STALE) {
		*json = strdup(answer == DB_OK ? "{\"v\":5}" : "{\"v\":9}");
		*version = answer == DB_OK ? 5 : 9;
	}
	return answer;
}

enum db_rc
db_plan_steps(struct db *db, int64_t plan, char **json, int64_t *version)
{
	(void)db, (void)plan;
	calls++;
	return written(json, version);
}

enum db_rc
db_plan_step_take(struct db *db, int user, const struct db_plan_step *s, char **json,
                  int64_t *version_now)
{
	(void)db;
	calls++;
	seen_user = user, seen_step = *s;
	seen_step.to = fake_hold(s->to), seen_step.reason = fake_hold(s->reason);
	seen_step.adopted_month = fake_hold(s->adopted_month);
	keep(seen_to, sizeof seen_to, s->to);
	keep(seen_reason, sizeof seen_reason, s->reason);
	keep(seen_month, sizeof seen_month, s->adopted_month);
	return written(json, version_now);
}

static void
keep_ms(int user, const struct db_milestone_edit *e)
{
	calls++;
	seen_user = user, seen_ms = *e;
	seen_ms.title = fake_hold(e->title), seen_ms.planned_month = fake_hold(e->planned_month);
	seen_ms.planned_end_month = fake_hold(e->planned_end_month);
	seen_ms.planned_text = fake_hold(e->planned_text);
	seen_ms.actual_date = fake_hold(e->actual_date), seen_ms.state = fake_hold(e->state);
	seen_ms.notes = fake_hold(e->notes), seen_ms.completes = fake_hold(e->completes);
	keep(seen_month, sizeof seen_month, e->planned_month);
	keep(seen_end, sizeof seen_end, e->planned_end_month);
	keep(seen_date, sizeof seen_date, e->actual_date);
}

enum db_rc
db_milestone_create(struct db *db, int user, const struct db_milestone_edit *e, char **json,
                    int64_t *version)
{
	(void)db;
	keep_ms(user, e);
	return written(json, version);
}

enum db_rc
db_milestone_update(struct db *db, int user, const struct db_milestone_edit *e, char **json,
                    int64_t *version)
{
	(void)db;
	keep_ms(user, e);
	return written(json, version);
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	fake_sign_in("admin", 1, 0);
	calls = 0, seen_user = 0, answer = DB_OK;
	memset(&seen_ms, 0, sizeof seen_ms);
	memset(&seen_step, 0, sizeof seen_step);
	return 0;
}

static void
step(const char *body, const char *if_match, bool signed_in, struct http_response *res)
{
	fake_call(&ep_plan_steps_take, HTTP_POST, "/api/plans/{id}/transitions",
	          "/api/plans/2/transitions", NULL, body, if_match, signed_in, res);
}

static void
create(const char *body, struct http_response *res)
{
	fake_call(&ep_milestones_create, HTTP_POST, "/api/plans/{id}/milestones",
	          "/api/plans/2/milestones", NULL, body, NULL, true, res);
}

static void
patch(const char *body, const char *if_match, struct http_response *res)
{
	fake_call(&ep_milestones_patch, HTTP_PATCH, "/api/milestones/{id}", "/api/milestones/7",
	          NULL, body, if_match, true, res);
}

static void
test_steps_list(void **state)
{
	struct http_response res;

	(void)state;
	fake_call(&ep_plan_steps_list, HTTP_GET, "/api/plans/{id}/transitions",
	          "/api/plans/2/transitions", NULL, NULL, NULL, false, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"5\"");
	http_response_free(&res);
	answer = DB_MISSING;
	fake_call(&ep_plan_steps_list, HTTP_GET, "/api/plans/{id}/transitions",
	          "/api/plans/9/transitions", NULL, NULL, NULL, false, &res);
	fake_expect(&res, 404, "not_found", NULL);
}

static void
test_step_taken(void **state)
{
	struct http_response res;

	(void)state;
	step("{\"to\":\"proposal\"}", "\"4\"", true, &res);
	assert_int_equal(res.status, 201);
	assert_string_equal(http_get_header(&res, "ETag"), "\"5\"");
	http_response_free(&res);
	assert_int_equal(seen_user, 1);
	assert_int_equal(seen_step.plan, 2);
	assert_int_equal(seen_step.version, 4);
	assert_string_equal(seen_to, "proposal");
	assert_string_equal(seen_reason, "");
	assert_string_equal(seen_month, "(null)");
	step("{\"to\":\"adopted\",\"adopted_month\":\"2026-03\",\"reason\":\"議決\"}", "4", true,
	     &res);
	assert_int_equal(res.status, 201);
	http_response_free(&res);
	assert_string_equal(seen_month, "2026-03");
	assert_string_equal(seen_reason, "議決");
}

static void
test_step_refused_at_the_door(void **state)
{
	static const char *const bad_to[] = {"{\"to\":\"done\"}", "{\"to\":1}", "{}",
	                                     "{\"to\":\"\"}"};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad_to / sizeof bad_to[0]; i++) {
		step(bad_to[i], "\"4\"", true, &res);
		fake_expect(&res, 400, "bad_field", "to");
	}
	step("{\"to\":\"adopted\",\"adopted_month\":\"2026-13\"}", "\"4\"", true, &res);
	fake_expect(&res, 400, "bad_field", "adopted_month");
	step("{\"to\":\"adopted\",\"adopted_month\":\"2026-03-01\"}", "\"4\"", true, &res);
	fake_expect(&res, 400, "bad_field", "adopted_month");
	step("{\"to\":\"proposal\",\"extra\":1}", "\"4\"", true, &res);
	fake_expect(&res, 400, "bad_field", "extra");
	step("{\"to\":\"proposal\"}", NULL, true, &res);
	fake_expect(&res, 428, "precondition_required", "If-Match");
	step("{\"to\":\"proposal\"}", "\"4\"", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("staff", 11, 2);
	step("{\"to\":\"proposal\"}", "\"4\"", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	fake_sign_in("manager", 21, 2);
	step("{\"to\":\"proposal\"}", "\"4\"", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

static void
test_step_outcomes(void **state)
{
	struct http_response res;

	(void)state;
	answer = DB_STALE;
	step("{\"to\":\"proposal\"}", "\"3\"", true, &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_get_header(&res, "ETag"), "\"9\"");
	assert_non_null(strstr(res.body, "\"v\":9"));
	http_response_free(&res);
	answer = DB_REFUSED;
	fake_fault("23503", "plan_transition_step", "計画の今の段階からは、その段階へ移れません。");
	step("{\"to\":\"adopted\"}", "\"3\"", true, &res);
	assert_non_null(strstr(res.body, "その段階へ移れません"));
	fake_expect(&res, 400, "bad_field", "to");
	fake_fault("23514", "plan_transition_reason", "理由を入力してください。");
	step("{\"to\":\"draft\"}", "\"3\"", true, &res);
	fake_expect(&res, 400, "bad_field", "reason");
	fake_fault("23514", "plan_check", "");
	step("{\"to\":\"adopted\"}", "\"3\"", true, &res);
	fake_expect(&res, 400, "bad_field", "adopted_month");
	answer = DB_DENIED;
	step("{\"to\":\"proposal\"}", "\"3\"", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	answer = DB_MISSING;
	step("{\"to\":\"proposal\"}", "\"3\"", true, &res);
	fake_expect(&res, 404, "not_found", NULL);
}

static void
test_milestone_create(void **state)
{
	struct http_response res;

	(void)state;
	create(
	    "{\"title\":\"骨子\",\"planned_month\":\"2025-08\",\"planned_end_month\":\"2025-09\","
	    "\"owner_department_id\":3,\"completes\":\"proposal\"}",
	    &res);
	assert_int_equal(res.status, 201);
	assert_string_equal(http_get_header(&res, "ETag"), "\"5\"");
	http_response_free(&res);
	assert_int_equal(seen_ms.plan, 2);
	assert_string_equal(seen_month, "2025-08");
	assert_string_equal(seen_end, "2025-09");
	assert_int_equal(seen_ms.owner_department, 3);
	assert_int_equal(seen_ms.open_ended, -1);
	assert_int_equal(seen_ms.position, 0);
	assert_string_equal(seen_ms.completes, "proposal");
	assert_null(seen_ms.state);
}

static void
test_milestone_create_refused(void **state)
{
	struct http_response res;

	(void)state;
	create("{\"planned_month\":\"2025-08\"}", &res);
	fake_expect(&res, 400, "bad_field", "title");
	create("{\"title\":\"　\",\"planned_month\":\"2025-08\"}", &res);
	fake_expect(&res, 400, "bad_field", "title");
	create("{\"title\":\"骨子\"}", &res);
	fake_expect(&res, 400, "bad_field", "planned_month");
	create("{\"title\":\"骨子\",\"planned_month\":\"2025-8\"}", &res);
	fake_expect(&res, 400, "bad_field", "planned_month");
	create(
	    "{\"title\":\"骨子\",\"planned_month\":\"2025-09\",\"planned_end_month\":\"2025-08\"}",
	    &res);
	fake_expect(&res, 400, "bad_field", "planned_end_month");
	create("{\"title\":\"骨子\",\"planned_month\":\"2025-09\",\"open_ended\":true,"
	       "\"planned_end_month\":\"2025-10\"}",
	       &res);
	fake_expect(&res, 400, "bad_field", "open_ended");
	create("{\"title\":\"骨子\",\"planned_month\":\"2025-09\",\"state\":\"overdue\"}", &res);
	fake_expect(&res, 400, "bad_field", "state");
	create("{\"title\":\"骨子\",\"planned_month\":\"2025-09\",\"completes\":\"draft\"}", &res);
	fake_expect(&res, 400, "bad_field", "completes");
	create("{\"title\":\"骨子\",\"planned_month\":\"2025-09\",\"actual_date\":\"2025-02-30\"}",
	       &res);
	fake_expect(&res, 400, "bad_field", "actual_date");
	assert_int_equal(calls, 0);
	fake_sign_in("staff", 11, 2);
	create("{\"title\":\"骨子\",\"planned_month\":\"2025-08\"}", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
	fake_sign_in("admin", 1, 0);
	answer = DB_REFUSED;
	fake_fault("23503", "milestone_owner_department_id_fkey", "");
	create("{\"title\":\"骨子\",\"planned_month\":\"2025-08\",\"owner_department_id\":999}",
	       &res);
	fake_expect(&res, 400, "bad_field", "owner_department_id");
	answer = DB_MISSING;
	create("{\"title\":\"骨子\",\"planned_month\":\"2025-08\"}", &res);
	fake_expect(&res, 404, "not_found", NULL);
}

static void
test_milestone_patch(void **state)
{
	struct http_response res;

	(void)state;
	patch("{\"state\":\"done\",\"actual_date\":\"2025-08-29\",\"planned_end_month\":\"\","
	      "\"owner_department_id\":0,\"position\":3}",
	      "\"2\"", &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"5\"");
	http_response_free(&res);
	assert_int_equal(seen_ms.id, 7);
	assert_int_equal(seen_ms.version, 2);
	assert_string_equal(seen_ms.state, "done");
	assert_string_equal(seen_date, "2025-08-29");
	assert_string_equal(seen_end, "");
	assert_string_equal(seen_month, "(null)");
	assert_int_equal(seen_ms.owner_department, 0);
	assert_int_equal(seen_ms.position, 3);
	assert_null(seen_ms.title);
	answer = DB_STALE;
	patch("{\"state\":\"cancelled\"}", "\"2\"", &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_get_header(&res, "ETag"), "\"9\"");
	http_response_free(&res);
	answer = DB_REFUSED;
	fake_fault("23514", "milestone_check", "");
	patch("{\"state\":\"done\"}", "\"2\"", &res);
	fake_expect(&res, 400, "bad_field", "actual_date");
	fake_fault("23514", "milestone_end_after_start", "");
	patch("{\"planned_end_month\":\"2020-01\"}", "\"2\"", &res);
	fake_expect(&res, 400, "bad_field", "planned_end_month");
}

static void
test_milestone_patch_refused(void **state)
{
	struct http_response res;

	(void)state;
	patch("{}", "\"2\"", &res);
	fake_expect(&res, 400, "bad_body", NULL);
	patch("{\"state\":\"done\"}", NULL, &res);
	fake_expect(&res, 428, "precondition_required", "If-Match");
	patch("{\"position\":0}", "\"2\"", &res);
	fake_expect(&res, 400, "bad_field", "position");
	patch("{\"planned_month\":\"2026-02\",\"planned_end_month\":\"2026-01\"}", "\"2\"", &res);
	fake_expect(&res, 400, "bad_field", "planned_end_month");
	fake_sign_in("viewer", 31, 0);
	patch("{\"state\":\"done\"}", "\"2\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_steps_list, setup),
	    cmocka_unit_test_setup(test_step_taken, setup),
	    cmocka_unit_test_setup(test_step_refused_at_the_door, setup),
	    cmocka_unit_test_setup(test_step_outcomes, setup),
	    cmocka_unit_test_setup(test_milestone_create, setup),
	    cmocka_unit_test_setup(test_milestone_create_refused, setup),
	    cmocka_unit_test_setup(test_milestone_patch, setup),
	    cmocka_unit_test_setup(test_milestone_patch_refused, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
