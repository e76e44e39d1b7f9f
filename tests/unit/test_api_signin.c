/* Sign-in, who am I and sign-out through the real door, against a fake db:
 * a failed sign-in never says which part was wrong, throttling answers
 * 429 with Retry-After, and a write that fails is never a silent success. */
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
	struct db_throttle throttle;
	enum db_rc throttle_rc, credentials_rc, failed_rc, start_rc, end_rc, user_rc;
	bool active;
	int throttles, credentials, failures, starts, ends;
	char failed_login[64], failed_addr[64], start_login[64], start_hash[65], start_csrf[65];
	char end_hash[65];
	int start_user;
} fk;

static char good_hash[CRYPTO_HASH_MAX];

enum db_rc
db_session_throttle(struct db *db, const char *login, const char *addr, int window_minutes,
                    struct db_throttle *out)
{
	(void)db, (void)login, (void)addr, (void)window_minutes;
	fk.throttles++;
	*out = fk.throttle;
	return fk.throttle_rc;
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
db_session_failed(struct db *db, const char *login, const char *addr)
{
	(void)db;
	fk.failures++;
	snprintf(fk.failed_login, sizeof fk.failed_login, "%s", login);
	snprintf(fk.failed_addr, sizeof fk.failed_addr, "%s", addr);
	return fk.failed_rc;
}

enum db_rc
db_session_start(struct db *db, int user, const char *login, const char *token_hash,
                 const char *csrf)
{
	(void)db;
	fk.starts++;
	fk.start_user = user;
	snprintf(fk.start_login, sizeof fk.start_login, "%s", login);
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
	assert_int_equal(fk.starts, 1);
	assert_int_equal(fk.failures, 0);
	assert_int_equal(fk.start_user, 42);
	assert_string_equal(fk.start_login, "viewer");
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
 * recorded as a failure, none revealing which part was wrong. */
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
	assert_int_equal(fk.failures, 3);
	assert_int_equal(fk.starts, 0);
	assert_string_equal(fk.failed_login, "viewer");
	assert_string_equal(fk.failed_addr, "127.0.0.1");
	http_response_free(&unknown);
	http_response_free(&wrong);
	http_response_free(&inactive);
}

static void
test_throttled_429_with_retry_after(void **state)
{
	struct http_response res;

	(void)state;
	fk.throttle = (struct db_throttle){.login_failures = 5, .login_wait = 42};
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 429);
	assert_string_equal(fake_error_code(&res), "too_many_attempts");
	assert_string_equal(http_get_header(&res, "Retry-After"), "42");
	assert_int_equal(fk.credentials, 0);
	assert_int_equal(fk.failures, 0);
	http_response_free(&res);

	/* The address's wait when it is the longer; never less than 1. */
	fk.throttle = (struct db_throttle){
	    .login_failures = 5, .login_wait = 10, .addr_failures = 50, .addr_wait = 300};
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_string_equal(http_get_header(&res, "Retry-After"), "300");
	http_response_free(&res);
	fk.throttle = (struct db_throttle){.addr_failures = 50};
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 429);
	assert_string_equal(http_get_header(&res, "Retry-After"), "1");
	http_response_free(&res);

	/* Below both limits: not throttled. */
	fk.throttle = (struct db_throttle){.login_failures = 4, .addr_failures = 49};
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
}

/* A write that fails is the failure, not a 200 nor a 401. */
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
	fk.failed_rc = DB_AWAY;
	sign_in("{\"login\":\"viewer\",\"password\":\"wrong-password\"}", &res);
	assert_int_equal(res.status, 503);
	assert_int_equal(fk.failures, 1);
	http_response_free(&res);

	fk.failed_rc = DB_OK;
	fk.throttle_rc = DB_AWAY;
	fk.credentials = fk.failures = 0;
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 503);
	assert_int_equal(fk.credentials, 0);
	http_response_free(&res);

	fk.throttle_rc = DB_OK;
	fk.credentials_rc = DB_AWAY;
	sign_in("{\"login\":\"viewer\",\"password\":\"" PASSWORD "\"}", &res);
	assert_int_equal(res.status, 503);
	assert_int_equal(fk.failures, 0);
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
	assert_int_equal(fk.throttles + fk.credentials + fk.failures + fk.starts, 0);
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
