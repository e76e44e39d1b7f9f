/* Passwords, tokens and the sid cookie. */
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#include "api.h"
#include "crypto.h"

static int
setup(void **state)
{
	(void)state;
	return crypto_setup();
}

static void
test_password_hash_is_argon2id_and_verifies(void **state)
{
	char hash[CRYPTO_HASH_MAX], again[CRYPTO_HASH_MAX];

	(void)state;
	assert_int_equal(crypto_password_hash("shinchoku-dev", hash), 0);
	assert_true(strncmp(hash, "$argon2id$", 10) == 0);
	assert_true(crypto_password_verify(hash, "shinchoku-dev"));
	assert_false(crypto_password_verify(hash, "shinchoku-deV"));
	assert_false(crypto_password_verify(hash, ""));
	/* Salted: the same password never hashes the same twice. */
	assert_int_equal(crypto_password_hash("shinchoku-dev", again), 0);
	assert_string_not_equal(hash, again);
}

static void
test_tokens_are_random_hex_and_hash_stably(void **state)
{
	char a[CRYPTO_TOKEN_HEX], b[CRYPTO_TOKEN_HEX], ha[CRYPTO_TOKEN_HEX], ha2[CRYPTO_TOKEN_HEX];

	(void)state;
	crypto_token_new(a);
	crypto_token_new(b);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
	crypto_token_hash(a, ha);
	crypto_token_hash(a, ha2);
	assert_string_equal(ha, ha2);
	assert_string_not_equal(ha, a);
	/* SHA-256 of "abc", the standard test vector. */
	crypto_token_hash("abc", ha);
	assert_string_equal(ha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_cookie_sid(void **state)
{
	const char *tok = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char cookie[256], out[CRYPTO_TOKEN_HEX];

	(void)state;
	snprintf(cookie, sizeof cookie, "lang=ja; sid=%s; theme=dark", tok);
	assert_true(http_cookie_sid(cookie, out));
	assert_string_equal(out, tok);
	snprintf(cookie, sizeof cookie, "sid=%s", tok);
	assert_true(http_cookie_sid(cookie, out));
	/* Wrong length, uppercase, another cookie's name ending in sid. */
	assert_false(http_cookie_sid("sid=abc", out));
	snprintf(cookie, sizeof cookie, "sid=%sA", tok);
	assert_false(http_cookie_sid(cookie, out));
	snprintf(cookie, sizeof cookie, "xsid=%s", tok);
	assert_false(http_cookie_sid(cookie, out));
	assert_false(http_cookie_sid("", out));
}

static void
test_roles(void **state)
{
	enum role r;
	union http_qval q;

	(void)state;
	assert_true(api_role_parse("manager", &r));
	assert_int_equal(r, ROLE_MANAGER);
	assert_string_equal(api_role_name(ROLE_ADMIN), "admin");
	assert_false(api_role_parse("Admin", &r));
	assert_null(valid_role("staff", &q));
	assert_non_null(valid_role("root", &q));
	/* The order is the order of privilege: auth_require compares them. */
	assert_true(ROLE_VIEWER < ROLE_STAFF && ROLE_STAFF < ROLE_MANAGER &&
	            ROLE_MANAGER < ROLE_ADMIN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_password_hash_is_argon2id_and_verifies),
	    cmocka_unit_test(test_tokens_are_random_hex_and_hash_stably),
	    cmocka_unit_test(test_cookie_sid),
	    cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
