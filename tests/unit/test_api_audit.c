/* The audit trail through the real door, against a fake db: entity and id
 * are required before the session is looked at; any signed-in user,
 * viewer or admin, reads the same history, as the old handler did —
 * except the history of users, which is for admins only. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audit.h"
#include "endpoints.h"
#include "fake_db.h"

static struct {
	int calls;
	char entity[64], id[80];
	int64_t limit, offset;
	enum db_rc rc;
} fk;

enum db_rc
db_audit_list(struct db *db, const char *entity, const char *entity_id, int64_t limit,
              int64_t offset, char **json)
{
	(void)db;
	fk.calls++;
	snprintf(fk.entity, sizeof fk.entity, "%s", entity);
	snprintf(fk.id, sizeof fk.id, "%s", entity_id);
	fk.limit = limit, fk.offset = offset;
	*json = fk.rc == DB_OK ? strdup("{\"total\":0,\"items\":[]}") : NULL;
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

static void
audit(const char *query, bool signed_in, struct http_response *res)
{
	fake_call(&ep_audit_list, HTTP_GET, "/api/audit", "/api/audit", query, NULL, NULL,
	          signed_in, res);
}

static void
test_viewer_and_admin_alike(void **state)
{
	static const char *const roles[] = {"viewer", "staff", "manager", "admin"};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		fake_sign_in(roles[i], 2, 1);
		audit("entity=activity_year&id=12/2024", true, &res);
		assert_int_equal(res.status, 200);
		assert_string_equal(res.body, "{\"total\":0,\"items\":[]}");
		assert_string_equal(fk.entity, "activity_year");
		assert_string_equal(fk.id, "12/2024");
		assert_int_equal(fk.limit, 100);
		assert_int_equal(fk.offset, 0);
		http_response_free(&res);
	}
	assert_int_equal(fk.calls, 4);
	audit("entity=status_request&id=3&limit=5&offset=10", true, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(fk.limit, 5);
	assert_int_equal(fk.offset, 10);
	http_response_free(&res);
}

/* The history of users holds the user directory (logins, names, roles,
 * departments): below admin it is a 403 naming entity, and the log is not
 * read at all; an admin reads it like any other history. */
static void
test_user_history_for_admins(void **state)
{
	static const char *const roles[] = {"viewer", "staff", "manager"};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		fake_sign_in(roles[i], 2, 1);
		audit("entity=app_user&id=1", true, &res);
		assert_int_equal(res.status, 403);
		assert_string_equal(fake_error_code(&res), "forbidden");
		assert_string_equal(fake_error_field(&res), "entity");
		http_response_free(&res);
	}
	assert_int_equal(fk.calls, 0);
	fake_sign_in("admin", 1, 0);
	audit("entity=app_user&id=1", true, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(fk.entity, "app_user");
	assert_string_equal(fk.id, "1");
	http_response_free(&res);
	assert_int_equal(fk.calls, 1);
}

static void
test_signed_in_only(void **state)
{
	struct http_response res;

	(void)state;
	audit("entity=activity&id=12", false, &res);
	assert_int_equal(res.status, 401);
	assert_string_equal(fake_error_code(&res), "unauthenticated");
	http_response_free(&res);
	fake_sign_in("viewer", 2, 0);
	audit("entity=activity&id=12", false, &res);
	assert_int_equal(res.status, 401);
	http_response_free(&res);
	assert_int_equal(fk.calls, 0);
}

/* Missing or bad parameters: 400 before the session is looked at. */
static void
test_bad_input(void **state)
{
	static const struct {
		const char *query, *field;
	} bad[] = {
	    {"", "entity"},
	    {"id=12", "entity"},
	    {"entity=activity", "id"},
	    {"entity=session&id=1", "entity"},
	    {"entity=activity&id=12;drop", "id"},
	    {"entity=activity&id=12&limit=0", "limit"},
	    {"entity=activity&id=12&who=me", "who"},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		audit(bad[i].query, false, &res);
		assert_int_equal(res.status, 400);
		assert_string_equal(fake_error_code(&res), "bad_parameter");
		assert_string_equal(fake_error_field(&res), bad[i].field);
		http_response_free(&res);
	}
	assert_int_equal(fake_db.session_lookups, 0);
	assert_int_equal(fk.calls, 0);
}

static void
test_db_away(void **state)
{
	struct http_response res;

	(void)state;
	fake_sign_in("viewer", 2, 0);
	fk.rc = DB_AWAY;
	audit("entity=activity&id=12", true, &res);
	assert_int_equal(res.status, 503);
	http_response_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_viewer_and_admin_alike, setup),
	    cmocka_unit_test_setup(test_user_history_for_admins, setup),
	    cmocka_unit_test_setup(test_signed_in_only, setup),
	    cmocka_unit_test_setup(test_bad_input, setup),
	    cmocka_unit_test_setup(test_db_away, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
