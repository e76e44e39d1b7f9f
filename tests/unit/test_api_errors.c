/* The one table from database errors to API errors (api/errors.c). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_db.h"
#include "refusal.h"

/* Maps one fault; returns the status and leaves res for inspection. */
static int
map(const char *sqlstate, const char *constraint, const char *message, struct http_response *res)
{
	fake_db_reset();
	fake_fault(sqlstate, constraint, message);
	memset(res, 0, sizeof *res);
	api_db_error(res, fake_db_handle(), DB_REFUSED, "record");
	return res->status;
}

static void
test_rows(void **state)
{
	static const struct {
		const char *sqlstate, *constraint;
		int status;
		const char *code, *field;
	} cases[] = {
	    {"SHLCK", "", 409, "locked", "fiscal_year"},
	    {"23505", "status_request_one_pending", 409, "pending_request", ""},
	    {"23505", "app_user_login_key", 409, "conflict", "login"},
	    {"23505", "something_else", 409, "conflict", ""},
	    {"23514", "status_request_reason", 400, "bad_field", "reason"},
	    {"23514", "status_request_changes", 400, "bad_field", "status"},
	    {"23514", "app_user_last_admin", 400, "constraint", "role"},
	    {"23514", "some_table_some_check", 400, "constraint", ""},
	    {"23503", "app_user_department_id_fkey", 400, "bad_field", "department_id"},
	    {"23P01", "", 400, "constraint", ""},
	    {"42501", "", 403, "forbidden", ""},
	    {"57014", "", 503, "timeout", ""},
	    {"55P03", "", 503, "timeout", ""},
	    {"08007", "", 503, "commit_unknown", ""},
	    {"40P01", "", 503, "busy", ""},
	    {"XX000", "", 500, "internal", ""},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(map(cases[i].sqlstate, cases[i].constraint, "raw", &res),
		                 cases[i].status);
		assert_string_equal(fake_error_code(&res), cases[i].code);
		assert_string_equal(fake_error_field(&res), cases[i].field);
		/* Neither the constraint's name nor the server's words reach
		 * the client, except the Japanese of our own triggers (the
		 * locked year, the missing reason). */
		if (cases[i].constraint[0] != '\0')
			assert_null(strstr(res.body, cases[i].constraint));
		if (strcmp(cases[i].sqlstate, "SHLCK") != 0 &&
		    strcmp(cases[i].constraint, "status_request_reason") != 0)
			assert_null(strstr(res.body, "raw"));
		http_response_free(&res);
	}
}

static void
test_locked_message_is_the_triggers(void **state)
{
	struct http_response res;

	(void)state;
	map("SHLCK", "", "令和6年度は締め切られているため、変更できません。", &res);
	assert_non_null(strstr(res.body, "令和6年度"));
	http_response_free(&res);
}

static void
test_other_outcomes(void **state)
{
	static const struct {
		enum db_rc rc;
		int status;
		const char *code;
	} cases[] = {
	    {DB_MISSING, 404, "not_found"}, {DB_DENIED, 403, "forbidden"},
	    {DB_STALE, 409, "conflict"},    {DB_AWAY, 503, "db_unavailable"},
	    {DB_BUG, 500, "internal"},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&res, 0, sizeof res);
		api_db_error(&res, fake_db_handle(), cases[i].rc, "record");
		assert_int_equal(res.status, cases[i].status);
		assert_string_equal(fake_error_code(&res), cases[i].code);
		http_response_free(&res);
	}
	/* 503s say when to come back. */
	memset(&res, 0, sizeof res);
	api_db_error(&res, fake_db_handle(), DB_AWAY, NULL);
	assert_string_equal(http_get_header(&res, "Retry-After"), "5");
	http_response_free(&res);
}

/* Does s hold a Japanese character (hiragana, katakana or a kanji: each
 * three bytes in UTF-8, lead byte E3 to E9)? */
static bool
has_japanese(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0xE3 && (unsigned char)*s <= 0xE9)
			return true;
	return false;
}

/* Every row of the table: a message people read is Japanese, names no
 * constraint, holds no identifier of the schema (no lowercase ASCII word)
 * and no SQL; a row without one passes on our triggers' Japanese words. */
static void
test_every_message_is_japanese(void **state)
{
	const struct db_refusal *rows;
	size_t n, i;
	const char *p;

	(void)state;
	rows = db_refusal_rows(&n);
	assert_true(n > 50);
	for (i = 0; i < n; i++) {
		const char *m = rows[i].message;

		assert_non_null(rows[i].code);
		if (m == NULL) {
			/* Only our own SQLSTATEs and rules whose trigger raises a
			 * Japanese message (sql/006, 008, 010) go without. */
			assert_true(rows[i].sqlstate[0] == 'S' || rows[i].constraint != NULL);
			continue;
		}
		if (!has_japanese(m))
			fail_msg("row %zu (%s): not Japanese: %s", i, rows[i].code, m);
		for (p = m; *p != '\0'; p++)
			if (*p >= 'a' && *p <= 'z')
				fail_msg("row %zu (%s): an identifier in %s", i, rows[i].code, m);
		if (rows[i].constraint != NULL)
			assert_null(strstr(m, rows[i].constraint));
		assert_null(strstr(m, "SQL"));
	}
	/* Unknown faults too. */
	assert_true(has_japanese(
	    db_refusal_message(db_refusal_of(&(struct db_fault){0}), &(struct db_fault){0})));
}

static void
test_reply_consumes_the_json(void **state)
{
	struct http_response res;
	char *json = strdup("{\"a\":1}");

	(void)state;
	memset(&res, 0, sizeof res);
	api_reply(&res, fake_db_handle(), DB_OK, &json, 201, "x");
	assert_null(json);
	assert_int_equal(res.status, 201);
	assert_string_equal(res.body, "{\"a\":1}");
	http_response_free(&res);
	json = strdup("{}");
	api_reply(&res, fake_db_handle(), DB_MISSING, &json, 200, "x");
	assert_null(json);
	assert_int_equal(res.status, 404);
	http_response_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rows),
	    cmocka_unit_test(test_locked_message_is_the_triggers),
	    cmocka_unit_test(test_other_outcomes),
	    cmocka_unit_test(test_every_message_is_japanese),
	    cmocka_unit_test(test_reply_consumes_the_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
