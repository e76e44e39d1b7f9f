/* User management through the real door, against a fake db: who may do
 * what before anything is written, the self-lockout rule, 409 with the
 * current user and its ETag, and the refusals of the database. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"
#include "endpoints.h"
#include "fake_db.h"
#include "user.h"

#define USER_JSON "{\"id\":5,\"login\":\"someone\",\"display_name\":\"今の名前\"}"

static struct {
	enum db_rc rc;      /* what the write answers */
	enum db_rc hash_rc; /* what db_user_password_hash answers */
	long long version;  /* the version it hands back */
	int reads, writes, hash_reads;
	int actor;
	int64_t id, if_match;
	struct db_user_new created;
	char created_login[64], created_hash[CRYPTO_HASH_MAX];
	struct db_user_patch patch;
	char keep[65];
	bool keep_null;
} fk;

static char current_hash[CRYPTO_HASH_MAX];

enum db_rc
db_user_list(struct db *db, char **json)
{
	(void)db;
	fk.reads++;
	*json = strdup("{\"items\":[]}");
	return DB_OK;
}

enum db_rc
db_user_create(struct db *db, int actor, const struct db_user_new *u, char **json)
{
	(void)db;
	fk.writes++;
	fk.actor = actor;
	fk.created = *u;
	snprintf(fk.created_login, sizeof fk.created_login, "%s", u->login);
	snprintf(fk.created_hash, sizeof fk.created_hash, "%s", u->password_hash);
	*json = fk.rc == DB_OK ? strdup(USER_JSON) : NULL;
	return fk.rc;
}

enum db_rc
db_user_update(struct db *db, int actor, int64_t id, int64_t version, const struct db_user_patch *p,
               char **json, int64_t *current)
{
	(void)db;
	fk.writes++;
	fk.actor = actor;
	fk.id = id;
	fk.if_match = version;
	fk.patch = *p;
	fk.patch.display_name = fk.patch.role = NULL; /* they die with the request */
	*json = fk.rc == DB_OK || fk.rc == DB_STALE ? strdup(USER_JSON) : NULL;
	*current = fk.version;
	return fk.rc;
}

enum db_rc
db_user_password_hash(struct db *db, int64_t id, char hash[128])
{
	(void)db, (void)id;
	fk.hash_reads++;
	snprintf(hash, 128, "%s", fk.hash_rc == DB_OK ? current_hash : "");
	return fk.hash_rc;
}

enum db_rc
db_user_set_password(struct db *db, int actor, int64_t id, const char *password_hash,
                     const char *keep_token_hash, char **json)
{
	(void)db;
	fk.writes++;
	fk.actor = actor;
	fk.id = id;
	snprintf(fk.created_hash, sizeof fk.created_hash, "%s", password_hash);
	fk.keep_null = keep_token_hash == NULL;
	snprintf(fk.keep, sizeof fk.keep, "%s", keep_token_hash ? keep_token_hash : "");
	*json = fk.rc == DB_OK ? strdup(USER_JSON) : NULL;
	return fk.rc;
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	memset(&fk, 0, sizeof fk);
	return 0;
}

#define NEW_VIEWER                                                                                 \
	"{\"login\":\"new-one\",\"display_name\":\"新規\",\"role\":\"viewer\","                  \
	"\"password\":\"a-long-password\"}"

static void
create(const char *body, bool signed_in, struct http_response *res)
{
	fake_call(&ep_users_create, HTTP_POST, "/api/users", "/api/users", NULL, body, NULL,
	          signed_in, res);
}

static void
patch(const char *path, const char *body, const char *if_match, struct http_response *res)
{
	fake_call(&ep_users_patch, HTTP_PATCH, "/api/users/{id}", path, NULL, body, if_match, true,
	          res);
}

static void
set_password(const char *path, const char *body, struct http_response *res)
{
	fake_call(&ep_users_password, HTTP_POST, "/api/users/{id}/password", path, NULL, body, NULL,
	          true, res);
}

/* Below admin, every write is 403 before anything reaches the db. */
static void
test_staff_is_403_before_any_write(void **state)
{
	static const char *const roles[] = {"viewer", "staff", "manager"};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		fake_sign_in(roles[i], 3, 1);
		create(NEW_VIEWER, true, &res);
		assert_int_equal(res.status, 403);
		assert_string_equal(fake_error_code(&res), "forbidden");
		http_response_free(&res);
		patch("/api/users/5", "{\"display_name\":\"x\"}", "\"2\"", &res);
		assert_int_equal(res.status, 403);
		http_response_free(&res);
		fake_call(&ep_users_list, HTTP_GET, "/api/users", "/api/users", NULL, NULL, NULL,
		          true, &res);
		assert_int_equal(res.status, 403);
		http_response_free(&res);
		/* Another user's password: admins only. */
		set_password("/api/users/5/password", "{\"password\":\"take-over-admin\"}", &res);
		assert_int_equal(res.status, 403);
		assert_string_equal(fake_error_code(&res), "forbidden");
		http_response_free(&res);
	}
	create(NEW_VIEWER, false, &res);
	assert_int_equal(res.status, 401);
	http_response_free(&res);
	assert_int_equal(fk.writes + fk.reads + fk.hash_reads, 0);
}

static void
test_create(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("admin", 1, 0);
	create(NEW_VIEWER, true, &res);
	assert_int_equal(res.status, 201);
	assert_string_equal(res.body, USER_JSON);
	assert_int_equal(fk.actor, 1);
	assert_string_equal(fk.created_login, "new-one");
	assert_int_equal(fk.created.department_id, 0);
	assert_true(crypto_password_verify(fk.created_hash, "a-long-password"));
	http_response_free(&res);

	/* Staff and managers need a department: 400 before the session. */
	fake_sign_in("", 0, 0);
	fake_db.session_lookups = 0;
	create("{\"login\":\"st\",\"display_name\":\"x\",\"role\":\"staff\","
	       "\"password\":\"a-long-password\"}",
	       false, &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "department_id");
	assert_int_equal(fake_db.session_lookups, 0);
	http_response_free(&res);

	/* A duplicate login, as the database says it. */
	fake_sign_in("admin", 1, 0);
	fk.rc = DB_REFUSED;
	fake_fault("23505", "app_user_login_key", "duplicate key");
	create(NEW_VIEWER, true, &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(fake_error_code(&res), "conflict");
	assert_string_equal(fake_error_field(&res), "login");
	http_response_free(&res);
}

static void
test_self_lockout(void **state)
{
	static const char *const bodies[] = {"{\"role\":\"viewer\"}", "{\"active\":false}",
	                                     "{\"role\":\"manager\",\"department_id\":1}"};
	struct http_response res;
	size_t i;

	(void)state;
	fake_sign_in("admin", 5, 0);
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		patch("/api/users/5", bodies[i], "\"3\"", &res);
		assert_int_equal(res.status, 403);
		assert_string_equal(fake_error_code(&res), "forbidden");
		assert_string_equal(fake_error_field(&res), i == 1 ? "active" : "role");
		http_response_free(&res);
	}
	assert_int_equal(fk.writes, 0);
	/* Renaming oneself, or staying an active admin, is fine. */
	fk.version = 4;
	patch("/api/users/5", "{\"display_name\":\"新\",\"role\":\"admin\",\"active\":true}",
	      "\"3\"", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
}

static void
test_patch(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("admin", 1, 0);
	fk.version = 8;
	patch("/api/users/5", "{\"department_id\":0,\"active\":false}", "W/\"7\"", &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"8\"");
	assert_int_equal(fk.id, 5);
	assert_int_equal(fk.if_match, 7);
	assert_true(fk.patch.set_department);
	assert_int_equal(fk.patch.department_id, 0);
	assert_true(fk.patch.set_active);
	assert_false(fk.patch.active);
	http_response_free(&res);

	/* Stale: 409 with the current user and its ETag. */
	fk.rc = DB_STALE;
	fk.version = 9;
	patch("/api/users/5", "{\"display_name\":\"古い版\"}", "\"7\"", &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(res.body, USER_JSON);
	assert_string_equal(http_get_header(&res, "ETag"), "\"9\"");
	http_response_free(&res);

	fk.rc = DB_MISSING;
	patch("/api/users/999", "{\"display_name\":\"x\"}", "\"1\"", &res);
	assert_int_equal(res.status, 404);
	assert_null(http_get_header(&res, "ETag"));
	http_response_free(&res);

	fk.rc = DB_REFUSED;
	fake_fault("23514", "app_user_last_admin", "the last active admin cannot be demoted");
	patch("/api/users/6", "{\"role\":\"viewer\"}", "\"1\"", &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "role");
	http_response_free(&res);

	/* Nothing to change: 400 before If-Match and the session; no If-Match: 428. */
	fk.writes = 0;
	patch("/api/users/5", "{}", NULL, &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_code(&res), "bad_body");
	http_response_free(&res);
	patch("/api/users/5", "{\"display_name\":\"x\"}", NULL, &res);
	assert_int_equal(res.status, 428);
	http_response_free(&res);
	patch("/api/users/5", "{\"department_id\":\"three\"}", "\"1\"", &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "department_id");
	http_response_free(&res);
	assert_int_equal(fk.writes, 0);
}

static void
test_password(void **state)
{
	struct http_response res;
	char hash[CRYPTO_TOKEN_HEX];

	(void)state;
	/* An admin resets another's: all their sessions end. */
	fake_sign_in("admin", 1, 0);
	set_password("/api/users/5/password", "{\"password\":\"third-password-3\"}", &res);
	assert_int_equal(res.status, 200);
	assert_true(fk.keep_null);
	assert_int_equal(fk.hash_reads, 0);
	assert_true(crypto_password_verify(fk.created_hash, "third-password-3"));
	http_response_free(&res);

	/* One's own: the current password, and the changing session stays. */
	fake_sign_in("viewer", 5, 0);
	fk.writes = 0;
	set_password("/api/users/5/password", "{\"password\":\"second-password-2\"}", &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "current_password");
	http_response_free(&res);
	set_password("/api/users/5/password",
	             "{\"password\":\"second-password-2\",\"current_password\":\"not-it-at-all\"}",
	             &res);
	assert_int_equal(res.status, 403);
	assert_string_equal(fake_error_code(&res), "bad_credentials");
	assert_string_equal(fake_error_field(&res), "current_password");
	http_response_free(&res);
	assert_int_equal(fk.writes, 0);
	set_password(
	    "/api/users/5/password",
	    "{\"password\":\"second-password-2\",\"current_password\":\"first-password-1\"}", &res);
	assert_int_equal(res.status, 200);
	assert_false(fk.keep_null);
	crypto_token_hash(FAKE_SID, hash);
	assert_string_equal(fk.keep, hash);
	http_response_free(&res);

	fk.hash_rc = DB_AWAY;
	set_password(
	    "/api/users/5/password",
	    "{\"password\":\"second-password-2\",\"current_password\":\"first-password-1\"}", &res);
	assert_int_equal(res.status, 503);
	http_response_free(&res);

	fk.hash_rc = DB_OK;
	fk.rc = DB_MISSING;
	fake_sign_in("admin", 1, 0);
	set_password("/api/users/999/password", "{\"password\":\"third-password-3\"}", &res);
	assert_int_equal(res.status, 404);
	http_response_free(&res);

	set_password("/api/users/5/password", "{\"password\":\"short\"}", &res);
	assert_int_equal(res.status, 400);
	assert_string_equal(fake_error_field(&res), "password");
	http_response_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_staff_is_403_before_any_write, setup),
	    cmocka_unit_test_setup(test_create, setup),
	    cmocka_unit_test_setup(test_self_lockout, setup),
	    cmocka_unit_test_setup(test_patch, setup),
	    cmocka_unit_test_setup(test_password, setup),
	};

	if (crypto_setup() != 0 || crypto_password_hash("first-password-1", current_hash) != 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
