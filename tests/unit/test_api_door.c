/* The door, with an endpoint of the test's own: the order of the checks
 * (query, body, cross-field rule, If-Match, session, CSRF, role), that the
 * handler sees typed values only after all of them passed, and the open
 * transaction guard. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_db.h"
#include "scale.h"

static int handled;
static struct api_req seen;
static bool leave_open;

static void
handler(const struct api_req *rq, struct db *db, struct http_response *res)
{
	(void)db;
	handled++;
	seen = *rq;
	if (leave_open)
		fake_db.in_transaction = true;
	http_json_text(res, 200, strdup("{}"));
}

static int
check(const struct api_req *rq, struct http_response *res)
{
	if (rq->b[1].present || rq->b[0].present)
		return 0;
	http_error(res, 400, "bad_body", NULL, "nothing to change");
	return -1;
}

static const struct http_qfield query[] = {{"fy", valid_fiscal_year}};
static const struct json_bfield body[] = {
    {"status", JB_TEXT, false, 0, 20, false, true, valid_status},
    {"note", JB_TEXT, false, 0, 10, true, false, NULL},
};
static const struct api_endpoint ep = {
    .handler = handler,
    .query = query,
    .nquery = 1,
    .body = body,
    .nbody = 2,
    .flags = API_SIGNED | API_CSRF | API_IF_MATCH,
    .role = ROLE_STAFF,
    .check = check,
};

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	handled = 0, leave_open = false;
	memset(&seen, 0, sizeof seen);
	return 0;
}

static int
status_of(const char *query_string, const char *json, const char *if_match, bool signed_in,
          const char **code)
{
	struct http_response res;
	int status;

	fake_call(&ep, HTTP_PATCH, "/x/{id}", "/x/5", query_string, json, if_match, signed_in,
	          &res);
	status = res.status;
	{
		static char saved[64];

		snprintf(saved, sizeof saved, "%s", fake_error_code(&res));
		*code = saved;
	}
	http_response_free(&res);
	return status;
}

static void
test_typed_values(void **state)
{
	const char *code;

	(void)state;
	fake_sign_in("staff", 3, 9);
	assert_int_equal(
	    status_of("fy=2024", "{\"status\":\"△\",\"note\":\"a\\nb\"}", "\"4\"", true, &code),
	    200);
	assert_int_equal(handled, 1);
	assert_int_equal(seen.cap[0], 5);
	assert_int_equal(seen.q[0].v.i, 2024);
	assert_true(seen.b[0].present);
	assert_int_equal(seen.version, 4);
	assert_int_equal(seen.user.id, 3);
	assert_int_equal(seen.user.role, ROLE_STAFF);
	assert_int_equal(seen.user.department_id, 9);
}

/* Each failure is answered by the check that owns it, in the door's
 * order, and never reaches the handler. */
static void
test_order(void **state)
{
	static const struct {
		const char *query, *body, *if_match, *role;
		bool signed_in;
		int status;
		const char *code;
	} cases[] = {
	    {"fy=1999", "{}", NULL, "", false, 400, "bad_parameter"},
	    {"", "{\"status\":\"?\"}", NULL, "", false, 400, "bad_field"},
	    {"", "{\"unknown\":1}", NULL, "", false, 400, "bad_field"},
	    {"", "{}", NULL, "", false, 400, "bad_body"}, /* check, before If-Match */
	    {"", "{\"note\":\"x\"}", NULL, "", false, 428, "precondition_required"},
	    {"", "{\"note\":\"x\"}", "\"x\"", "", false, 400, "bad_header"},
	    {"", "{\"note\":\"x\"}", "\"1\"", "", false, 401, "unauthenticated"},
	    {"", "{\"note\":\"x\"}", "\"1\"", "", true, 401, "unauthenticated"},
	    {"", "{\"note\":\"x\"}", "\"1\"", "viewer", true, 403, "forbidden"},
	};
	size_t i;
	const char *code;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fake_db_reset();
		fake_sign_in(cases[i].role, 1, 1);
		assert_int_equal(status_of(cases[i].query, cases[i].body, cases[i].if_match,
		                           cases[i].signed_in, &code),
		                 cases[i].status);
		assert_string_equal(code, cases[i].code);
	}
	assert_int_equal(handled, 0);
}

static void
test_csrf(void **state)
{
	struct http_request req;
	struct http_response res;
	struct http_route route = {HTTP_PATCH, "/x/{id}", &ep};

	(void)state;
	fake_sign_in("admin", 1, 0);
	memset(&req, 0, sizeof req);
	memset(&res, 0, sizeof res);
	req.method = HTTP_PATCH;
	req.method_name = strdup("PATCH");
	req.path = strdup("/x/5");
	req.body = strdup("{\"note\":\"x\"}");
	req.content_length = strlen(req.body);
	req.content_type = strdup("application/json");
	req.if_match = strdup("1");
	req.cookie = strdup("other=1; sid=" FAKE_SID);
	req.csrf_token = strdup("dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
	api_dispatch(&route, 1, &req, fake_db_handle(), &res);
	assert_int_equal(res.status, 403);
	assert_string_equal(fake_error_code(&res), "csrf");
	assert_int_equal(handled, 0);
	http_response_free(&res);
	http_request_free(&req);
}

static void
test_database_away(void **state)
{
	const char *code;

	(void)state;
	/* The session cannot be looked up: 503, not 401. */
	fake_sign_in("staff", 1, 1);
	fake_db.session_rc = DB_AWAY;
	assert_int_equal(status_of("", "{\"note\":\"x\"}", "1", true, &code), 503);
	assert_string_equal(code, "db_unavailable");
	/* A status before the scale was ever loaded cannot be judged. */
	fake_db.session_rc = DB_OK;
	scale_set(NULL, 0);
	assert_int_equal(status_of("", "{\"status\":\"△\"}", "1", true, &code), 503);
	assert_int_equal(handled, 0);
}

static void
test_open_transaction(void **state)
{
	const char *code;

	(void)state;
	fake_sign_in("staff", 1, 1);
	leave_open = true;
	assert_int_equal(status_of("", "{\"note\":\"x\"}", "1", true, &code), 500);
	assert_string_equal(code, "internal");
	assert_int_equal(handled, 1);
	assert_false(fake_db.in_transaction); /* rolled back by the door */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_typed_values, setup),
	    cmocka_unit_test_setup(test_order, setup),
	    cmocka_unit_test_setup(test_csrf, setup),
	    cmocka_unit_test_setup(test_database_away, setup),
	    cmocka_unit_test_setup(test_open_transaction, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
