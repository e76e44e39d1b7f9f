/* Sign-in, who am I and sign-out through the real door, against a fake db:
 * a failed sign-in never says which part was wrong, every attempt is
 * counted before its password is checked, throttling answers 429 with
 * Retry-After, and a write that fails is never a silent success. (The
 * rules of the throttle are SQL: tests/integration/hostile.test.mjs tries
 * them on the real database.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "crypto.h"
#include "endpoints.h"
#include "fake_db.h"
#include "session.h"

#define PASSWORD "the-right-password"

/* What the fake answers, and what it was asked. */
static struct {
	struct db_throttle throttle; /* .attempt 0 here: the fake lets it through as 7 */
	bool refuse;
	enum db_rc attempt_rc, credentials_rc, start_rc, end_rc, user_rc;
	bool active;
	int attempts, credentials, starts, ends;
	struct db_throttle_policy policy;
	char attempt_login[64], attempt_addr[64], start_login[64], start_addr[64];
	char start_hash[65], start_csrf[65], end_hash[65];
	int start_user;
} fk;

static char good_hash[CRYPTO_HASH_MAX];

enum db_rc
db_session_attempt(struct db *db, const char *login, const char *addr,
                   const struct db_throttle_policy *policy, struct db_throttle *out)
{
	(void)db;
	fk.attempts++;
	fk.policy = *policy;
	snprintf(fk.attempt_login, sizeof fk.attempt_login, "%s", login);
	snprintf(fk.attempt_addr, sizeof fk.attempt_addr, "%s", addr);
	memset(out, 0, sizeof *out);
	if (fk.attempt_rc != DB_OK)
		return fk.attempt_rc;
	*out = fk.throttle;
	out->attempt = fk.refuse ? 0 : 7;
	return DB_OK;
}

enum db_rc
db_session_credentials(struct db *db, const char *login, int *id, char hash[128], bool *active)
{
	(void)db, (void)login;
	fk.credentials++;
	*id = 0, hash[0] = '\0', *active = false;
	if (fk.credentials_rc != DB_OK)
		return fk.credentials_rc;
	*id = 42;
	snprintf(hash, 128, "%s", good_hash);
	*active = fk.active;
	return DB_OK;
}

enum db_rc
db_session_start(struct db *db, int user, const char *login, const char *addr,
                 const char *token_hash, const char *csrf)
{
	(void)db;
	fk.starts++;
	fk.start_user = user;
	snprintf(fk.start_login, sizeof fk.start_login, "%s", login);
	snprintf(fk.start_addr, sizeof fk.start_addr, "%s", addr);
	snprintf(fk.start_hash, sizeof fk.start_hash, "%s", token_hash);
	snprintf(fk.start_csrf, sizeof fk.start_csrf, "%s", csrf);
	return fk.start_rc;
}

enum db_rc
db_session_end(struct db *db, const char *token_hash)
{
	(void)db;
	fk.ends++;
	snprintf(fk.end_hash, sizeof fk.end_hash, "%s", token_hash);
	return fk.end_rc;
}

enum db_rc
db_session_user_json(struct db *db, int user, char **json)
{
	char buf[128];

	(void)db;
	*json = NULL;
	if (fk.user_rc != DB_OK)
		return fk.user_rc;
	snprintf(buf, sizeof buf, "{\"id\":%d,\"login\":\"viewer\",\"role\":\"viewer\"}", user);
	*json = strdup(buf);
	return DB_OK;
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	memset(&fk, 0, sizeof fk);
	fk.active = true;
	return 0;
}

static void
sign_in(const char *body, struct http_response *res)
{
	fake_call(&ep_session_create, HTTP_POST, "/api/session", "/api/session", NULL, body, NULL,
	          false, res);
}

static size_t
header_count(const struct http_response *res, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < res->nheaders; i++)
		n += strcasecmp(res->headers[i].name, name) == 0;
	return n;
}

static void
test_success_sets_cookie_and_no_store(void **state)
{
	struct http_response res;
	struct json_object *o, *v;
	const char *cookie;
	char hash[CRYPTO_TOKEN_HEX], token[CRYPTO_TOKEN_HEX];

	(void)state;
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(fk.attempts, 1);
	assert_int_equal(fk.starts, 1);
	assert_int_equal(fk.start_user, 42);
	/* The session forgets the failures of this login from this address. */
	assert_string_equal(fk.start_login, "viewer");
	assert_string_equal(fk.start_addr, "127.0.0.1");
	/* The policy is the configuration's (defaults) and the 60 s delay cap. */
	assert_int_equal(fk.policy.window_minutes, 15);
	assert_int_equal(fk.policy.pair_max, 5);
	assert_int_equal(fk.policy.addr_max, 50);
	assert_int_equal(fk.policy.delay_max_seconds, 60);
	assert_string_equal(http_get_header(&res, "Cache-Control"), "no-store");
	assert_int_equal(header_count(&res, "Cache-Control"), 1);
	cookie = http_get_header(&res, "Set-Cookie");
	assert_non_null(cookie);
	assert_int_equal(strncmp(cookie, "sid=", 4), 0);
	/* The db keeps the hash of the token, not the token. */
	memcpy(token, cookie + 4, 64);
	token[64] = '\0';
	crypto_token_hash(token, hash);
	assert_string_equal(fk.start_hash, hash);
	o = json_tokener_parse(res.body);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "csrf_token", &v));
	assert_string_equal(json_object_get_string(v), fk.start_csrf);
	assert_true(json_object_object_get_ex(o, "idle_minutes", &v));
	assert_true(json_object_object_get_ex(o, "user", &v));
	assert_null(strstr(res.body, "password"));
	json_object_put(o);
	http_response_free(&res);
}

/* Unknown login, wrong password, inactive user: the same 401, each
 * counted (as an attempt, before the check) and none revealing which part
 * was wrong; there is no second write to forget. */
static void
test_failures_look_alike(void **state)
{
	struct http_response unknown, wrong, inactive;

	(void)state;
	fk.credentials_rc = DB_MISSING;
	sign_in("{\"login\":\"nobody\",\"password\":\"whatever-1\"}", &unknown);
	fk.credentials_rc = DB_OK;
	sign_in("{\"login\":\"viewer\",\"password\":\"not-the-password\"}", &wrong);
	fk.active = false;
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &inactive);
	assert_int_equal(unknown.status, 401);
	assert_int_equal(wrong.status, 401);
	assert_int_equal(inactive.status, 401);
	assert_string_equal(fake_error_code(&unknown), "bad_credentials");
	assert_string_equal(unknown.body, wrong.body);
	assert_string_equal(unknown.body, inactive.body);
	assert_null(http_get_header(&wrong, "Set-Cookie"));
	assert_null(http_get_header(&inactive, "Set-Cookie"));
	assert_int_equal(fk.attempts, 3);
	assert_int_equal(fk.credentials, 3);
	assert_int_equal(fk.starts, 0);
	assert_string_equal(fk.attempt_login, "viewer");
	assert_string_equal(fk.attempt_addr, "127.0.0.1");
	http_response_free(&unknown);
	http_response_free(&wrong);
	http_response_free(&inactive);
}

/* A refused attempt is a 429 with the longest wait of the rules that
 * refuse, and its password is never looked at. */
static void
test_throttled_429_with_retry_after(void **state)
{
	static const struct {
		struct db_throttle t;
		const char *wait;
	} cases[] = {
	    {{.pair_failures = 5, .pair_wait = 42}, "42"},
	    {{.pair_failures = 5, .pair_wait = 10, .addr_failures = 50, .addr_wait = 300}, "300"},
	    {{.login_failures = 9, .pair_failures = 1, .delay_wait = 16}, "16"},
	    {{.pair_failures = 5, .pair_wait = 100, .delay_wait = 60}, "100"},
	    {{.addr_failures = 50}, "1"}, /* never less than 1 */
	};
	struct http_response res;
	size_t i;

	(void)state;
	fk.refuse = true;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fk.throttle = cases[i].t;
		sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
		assert_int_equal(res.status, 429);
		assert_string_equal(fake_error_code(&res), "too_many_attempts");
		assert_string_equal(http_get_header(&res, "Retry-After"), cases[i].wait);
		assert_null(http_get_header(&res, "Set-Cookie"));
		http_response_free(&res);
	}
	assert_int_equal(fk.credentials, 0);
	assert_int_equal(fk.starts, 0);

	/* Let through, whatever the counts say: the db decided. */
	fk.refuse = false;
	fk.throttle = (struct db_throttle){.login_failures = 40, .addr_failures = 49};
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
}

/* A write that fails is the failure, not a 200 nor a 401; an attempt
 * that could not be counted is never checked. */
static void
test_failed_writes_are_503(void **state)
{
	struct http_response res;

	(void)state;
	fk.start_rc = DB_AWAY;
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 503);
	assert_string_equal(fake_error_code(&res), "db_unavailable");
	assert_null(http_get_header(&res, "Set-Cookie"));
	http_response_free(&res);

	fk.start_rc = DB_OK;
	fk.attempt_rc = DB_AWAY;
	fk.credentials = 0;
	sign_in("{\"login\":\"viewer\",\"password\":\"wrong-password\"}", &res);
	assert_int_equal(res.status, 503);
	assert_int_equal(fk.credentials, 0);
	http_response_free(&res);
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 503);
	assert_int_equal(fk.credentials, 0);
	assert_int_equal(fk.starts, 1);
	http_response_free(&res);

	fk.attempt_rc = DB_OK;
	fk.credentials_rc = DB_AWAY;
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 503);
	assert_int_equal(fk.starts, 1);
	http_response_free(&res);
}

static void
test_bad_input_never_reaches_the_db(void **state)
{
	struct http_response res;

	(void)state;
	sign_in("{\"login\":\"viewer\"}", &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "password");
	http_response_free(&res);
	sign_in("{\"login\":\"viewer\",\"password\":\"x\",\"remember\":true}", &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "remember");
	http_response_free(&res);
	assert_int_equal(fk.attempts + fk.credentials + fk.starts, 0);
}

static void
test_get_answers_no_store_once(void **state)
{
	struct http_response res;
	struct json_object *o, *v;

	(void)state;
	fake_call(&ep_session_get, HTTP_GET, "/api/session", "/api/session", NULL, NULL, NULL,
	          false, &res);
	assert_int_equal(res.status, 401);
	http_response_free(&res);

	fake_sign_in("viewer", 7, 0);
	fake_call(&ep_session_get, HTTP_GET, "/api/session", "/api/session", NULL, NULL, NULL, true,
	          &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "Cache-Control"), "no-store");
	assert_int_equal(header_count(&res, "Cache-Control"), 1);
	o = json_tokener_parse(res.body);
	assert_true(json_object_object_get_ex(o, "csrf_token", &v));
	assert_string_equal(json_object_get_string(v), FAKE_CSRF);
	assert_true(json_object_object_get_ex(o, "user", &v));
	assert_true(json_object_object_get_ex(v, "id", &v));
	assert_int_equal(json_object_get_int(v), 7);
	json_object_put(o);
	http_response_free(&res);

	fk.user_rc = DB_AWAY;
	fake_call(&ep_session_get, HTTP_GET, "/api/session", "/api/session", NULL, NULL, NULL, true,
	          &res);
	assert_int_equal(res.status, 503);
	http_response_free(&res);
}

static void
test_delete_ends_the_session(void **state)
{
	struct http_response res;
	char hash[CRYPTO_TOKEN_HEX];

	(void)state;
	fake_sign_in("viewer", 7, 0);
	fake_call(&ep_session_delete, HTTP_DELETE, "/api/session", "/api/session", NULL, NULL, NULL,
	          true, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "{}");
	assert_non_null(strstr(http_get_header(&res, "Set-Cookie"), "Max-Age=0"));
	crypto_token_hash(FAKE_SID, hash);
	assert_string_equal(fk.end_hash, hash);
	http_response_free(&res);

	fk.end_rc = DB_AWAY;
	fake_call(&ep_session_delete, HTTP_DELETE, "/api/session", "/api/session", NULL, NULL, NULL,
	          true, &res);
	assert_int_equal(res.status, 503);
	assert_null(http_get_header(&res, "Set-Cookie"));
	http_response_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_success_sets_cookie_and_no_store, setup),
	    cmocka_unit_test_setup(test_failures_look_alike, setup),
	    cmocka_unit_test_setup(test_throttled_429_with_retry_after, setup),
	    cmocka_unit_test_setup(test_failed_writes_are_503, setup),
	    cmocka_unit_test_setup(test_bad_input_never_reaches_the_db, setup),
	    cmocka_unit_test_setup(test_get_answers_no_store_once, setup),
	    cmocka_unit_test_setup(test_delete_ends_the_session, setup),
	};

	if (crypto_setup() != 0 || crypto_password_hash(PASSWORD, good_hash) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
