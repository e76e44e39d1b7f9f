/* Status-change requests through the real door, against a fake db: the
 * reason rule (the database's refusal, named reason), the role gates, how
 * each outcome (a locked year, a pending duplicate, the same status, a
 * decided request) is answered. */
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
#include "status.h"

static int calls, seen_user;
static int64_t seen_a, seen_b;
static char seen_s[64], seen_t[64];
static enum db_rc answer;
static const char *answer_state = "approved";

static void
record(int user, int64_t a, int64_t b, const char *s, const char *t)
{
	calls++;
	seen_user = user, seen_a = a, seen_b = b;
	snprintf(seen_s, sizeof seen_s, "%s", s ? s : "(null)");
	snprintf(seen_t, sizeof seen_t, "%s", t ? t : "(null)");
}

static enum db_rc
reply(char **json, const char *body)
{
	*json = answer == DB_OK ? strdup(body) : NULL;
	return answer;
}

enum db_rc
db_status_request_create(struct db *db, int user, int64_t activity, int64_t fiscal_year,
                         const char *status, const char *reason, char **json)
{
	(void)db;
	record(user, activity, fiscal_year, status, reason);
	return reply(json, "{\"id\":5,\"state\":\"pending\"}");
}

enum db_rc
db_status_request_withdraw(struct db *db, int user, int64_t id, char **json,
                           char state[DB_REQUEST_STATE_MAX])
{
	(void)db;
	record(user, id, 0, NULL, NULL);
	snprintf(state, DB_REQUEST_STATE_MAX, "%s", answer == DB_STALE ? answer_state : "");
	return reply(json, "{\"id\":5,\"state\":\"withdrawn\"}");
}

enum db_rc
db_status_request_decide(struct db *db, int user, int64_t id, const char *decision,
                         const char *comment, char **json, char state[DB_REQUEST_STATE_MAX])
{
	(void)db;
	record(user, id, 0, decision, comment);
	snprintf(state, DB_REQUEST_STATE_MAX, "%s", answer == DB_STALE ? answer_state : "");
	return reply(json, "{\"id\":5,\"state\":\"approved\"}");
}

enum db_rc
db_status_request_list(struct db *db, int user, const char *state, char **json)
{
	(void)db;
	record(user, 0, 0, state, NULL);
	return reply(json, "{\"items\":[]}");
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	fake_sign_in("staff", 11, 2);
	calls = 0, seen_user = 0, seen_a = seen_b = 0, answer = DB_OK;
	seen_s[0] = seen_t[0] = '\0';
	return 0;
}

#define PROPOSE_PATTERN "/api/activities/{id}/years/{fy}/status-requests"
#define PROPOSE_PATH    "/api/activities/7/years/2024/status-requests"

static void
propose(const char *body, bool signed_in, struct http_response *res)
{
	fake_call(&ep_status_request_create, HTTP_POST, PROPOSE_PATTERN, PROPOSE_PATH, NULL, body,
	          NULL, signed_in, res);
}

static void
decide(const char *body, bool signed_in, struct http_response *res)
{
	fake_call(&ep_status_request_decide, HTTP_POST, "/api/status-requests/{id}/decision",
	          "/api/status-requests/5/decision", NULL, body, NULL, signed_in, res);
}

static void
withdraw(bool signed_in, struct http_response *res)
{
	fake_call(&ep_status_request_withdraw, HTTP_POST, "/api/status-requests/{id}/withdrawal",
	          "/api/status-requests/5/withdrawal", NULL, NULL, NULL, signed_in, res);
}

static void
list(const char *query, bool signed_in, struct http_response *res)
{
	fake_call(&ep_status_request_list, HTTP_GET, "/api/status-requests", "/api/status-requests",
	          query, NULL, NULL, signed_in, res);
}

/* ---- propose ---- */

static void
test_propose(void **state)
{
	struct http_response res;

	(void)state;
	propose("{\"status\":\"△\",\"reason\":\"遅れのため\"}", true, &res);
	assert_int_equal(res.status, 201);
	assert_int_equal(calls, 1);
	assert_int_equal(seen_user, 11);
	assert_int_equal(seen_a, 7);
	assert_int_equal(seen_b, 2024);
	assert_string_equal(seen_s, "delayed"); /* the mark became its key */
	assert_string_equal(seen_t, "遅れのため");
	http_response_free(&res);
	/* A level that needs no reason: none sent is "". */
	propose("{\"status\":\"on_schedule\"}", true, &res);
	assert_int_equal(res.status, 201);
	assert_string_equal(seen_s, "on_schedule");
	assert_string_equal(seen_t, "");
	http_response_free(&res);
}

static void
test_propose_bad_input_never_reaches_the_db(void **state)
{
	static const struct {
		const char *body, *field;
	} bad[] = {
	    /* A missing reason is the database's to refuse (status_request_reason,
	     * the level of the record's own scheme): test_propose_outcomes. */
	    {"{\"status\":\"bogus\"}", "status"},
	    {"{\"reason\":\"x\"}", "status"},
	    {"{\"status\":\"○\",\"nope\":1}", "nope"},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		propose(bad[i].body, true, &res);
		fake_expect(&res, 400, "bad_field", bad[i].field);
	}
	assert_int_equal(calls, 0);
	assert_int_equal(fake_db.session_lookups, 0); /* refused before the session */
}

static void
test_propose_gate(void **state)
{
	struct http_response res;

	(void)state;
	propose("{\"status\":\"○\"}", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("viewer", 12, 0);
	propose("{\"status\":\"○\"}", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

static void
test_propose_outcomes(void **state)
{
	static const struct {
		enum db_rc rc;
		const char *sqlstate, *constraint, *message;
		int status;
		const char *code, *field;
	} cases[] = {
	    {DB_MISSING, "", "", "", 404, "not_found", NULL},
	    {DB_DENIED, "", "", "", 403, "forbidden", NULL},
	    {DB_REFUSED, "SHLCK", "", "令和6年度は締め切られているため、変更できません。", 409,
	     "locked", NULL},
	    {DB_REFUSED, "23505", "status_request_one_pending", "", 409, "pending_request", NULL},
	    {DB_REFUSED, "23514", "status_request_changes", "", 400, "bad_field", "status"},
	    {DB_REFUSED, "23514", "status_request_reason", "", 400, "bad_field", "reason"},
	    {DB_AWAY, "", "", "", 503, "db_unavailable", NULL},
	    {DB_BUG, "", "", "", 500, "internal", NULL},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		answer = cases[i].rc;
		fake_fault(cases[i].sqlstate, cases[i].constraint, cases[i].message);
		propose("{\"status\":\"◎\",\"reason\":\"前倒し\"}", true, &res);
		if (strcmp(cases[i].sqlstate, "SHLCK") == 0)
			assert_non_null(strstr(res.body, "令和6年度"));
		fake_expect(&res, cases[i].status, cases[i].code, cases[i].field);
	}
	assert_int_equal(calls, (int)(sizeof cases / sizeof cases[0]));
}

/* ---- decide, withdraw ---- */

static void
test_decide(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("manager", 21, 2);
	decide("{\"decision\":\"approve\",\"comment\":\"了承\"}", true, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen_user, 21);
	assert_int_equal(seen_a, 5);
	assert_string_equal(seen_s, "approved");
	assert_string_equal(seen_t, "了承");
	http_response_free(&res);
	decide("{\"decision\":\"reject\"}", true, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(seen_s, "rejected");
	assert_string_equal(seen_t, "");
	http_response_free(&res);
	assert_int_equal(calls, 2);
}

static void
test_decide_bad_input_and_gate(void **state)
{
	static const char *const bad[] = {"{\"decision\":\"maybe\"}", "{}",
	                                  "{\"decision\":\"approve\",\"comment\":7}"};
	struct http_response res;
	size_t i;

	(void)state;
	fake_sign_in("manager", 21, 2);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		decide(bad[i], true, &res);
		fake_expect(&res, 400, "bad_field", NULL);
	}
	decide("{\"decision\":\"approve\"}", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	/* Staff propose; they do not decide. */
	fake_sign_in("staff", 11, 2);
	decide("{\"decision\":\"approve\"}", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	fake_sign_in("viewer", 12, 0);
	decide("{\"decision\":\"approve\"}", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

static void
test_decide_outcomes(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("admin", 1, 0);
	answer = DB_STALE;
	decide("{\"decision\":\"approve\"}", true, &res);
	assert_non_null(strstr(res.body, "承認済み"));
	fake_expect(&res, 409, "not_pending", NULL);
	answer = DB_MISSING;
	decide("{\"decision\":\"approve\"}", true, &res);
	fake_expect(&res, 404, "not_found", NULL);
	answer = DB_DENIED;
	decide("{\"decision\":\"approve\"}", true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	answer = DB_REFUSED;
	fake_fault("SHLCK", "fiscal_year_locked",
	           "令和6年度は締め切られているため、変更できません。");
	decide("{\"decision\":\"approve\"}", true, &res);
	fake_expect(&res, 409, "locked", NULL);
}

static void
test_withdraw(void **state)
{
	struct http_response res;

	(void)state;
	withdraw(true, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen_user, 11);
	assert_int_equal(seen_a, 5);
	http_response_free(&res);
	withdraw(false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("viewer", 12, 0);
	withdraw(true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 1);
	fake_call(&ep_status_request_withdraw, HTTP_POST, "/api/status-requests/{id}/withdrawal",
	          "/api/status-requests/0/withdrawal", NULL, NULL, NULL, true, &res);
	assert_int_equal(res.status, 400);
	http_response_free(&res);
	fake_call(&ep_status_request_withdraw, HTTP_POST, "/api/status-requests/{id}/withdrawal",
	          "/api/status-requests/5/withdrawal", "x=1", NULL, NULL, true, &res);
	fake_expect(&res, 400, "bad_parameter", NULL);
	assert_int_equal(calls, 1);
}

static void
test_withdraw_outcomes(void **state)
{
	struct http_response res;

	(void)state;
	answer = DB_STALE, answer_state = "withdrawn";
	withdraw(true, &res);
	assert_non_null(strstr(res.body, "取り下げ済み"));
	fake_expect(&res, 409, "not_pending", NULL);
	answer = DB_MISSING;
	withdraw(true, &res);
	fake_expect(&res, 404, "not_found", NULL);
	answer = DB_DENIED;
	withdraw(true, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	answer = DB_REFUSED;
	fake_fault("SHLCK", "", "令和6年度は締め切られているため、変更できません。");
	withdraw(true, &res);
	fake_expect(&res, 409, "locked", NULL);
	answer_state = "approved";
}

/* ---- the inbox ---- */

static void
test_list(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("viewer", 12, 0);
	list("", true, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(seen_user, 12);
	assert_string_equal(seen_s, "pending"); /* the default */
	http_response_free(&res);
	list("state=all", true, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(seen_s, "(null)");
	http_response_free(&res);
	list("state=rejected", true, &res);
	assert_string_equal(seen_s, "rejected");
	http_response_free(&res);
	assert_int_equal(calls, 3);

	list("state=done", true, &res);
	fake_expect(&res, 400, "bad_parameter", NULL);
	list("", false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	assert_int_equal(calls, 3);
	answer = DB_AWAY;
	list("", true, &res);
	fake_expect(&res, 503, "db_unavailable", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_propose, setup),
	    cmocka_unit_test_setup(test_propose_bad_input_never_reaches_the_db, setup),
	    cmocka_unit_test_setup(test_propose_gate, setup),
	    cmocka_unit_test_setup(test_propose_outcomes, setup),
	    cmocka_unit_test_setup(test_decide, setup),
	    cmocka_unit_test_setup(test_decide_bad_input_and_gate, setup),
	    cmocka_unit_test_setup(test_decide_outcomes, setup),
	    cmocka_unit_test_setup(test_withdraw, setup),
	    cmocka_unit_test_setup(test_withdraw_outcomes, setup),
	    cmocka_unit_test_setup(test_list, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
