/* The validators at the door. */
#include <string.h>

#include "scale.h"
#include "test_util.h"

#include "valid.h"

static void
test_valid_int(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_true(valid_int("0", 0, 10, &v));
	assert_int_equal(v, 0);
	assert_true(valid_int("2024", 2000, 2100, &v));
	assert_int_equal(v, 2024);
	assert_true(valid_int("-5", -10, 10, &v));
	assert_int_equal(v, -5);
	assert_false(valid_int("-5", 0, 10, &v));
	assert_false(valid_int("", 0, 10, &v));
	assert_false(valid_int("+5", 0, 10, &v));
	assert_false(valid_int(" 5", 0, 10, &v));
	assert_false(valid_int("5 ", 0, 10, &v));
	assert_false(valid_int("05", 0, 10, &v));
	assert_false(valid_int("1.5", 0, 10, &v));
	assert_false(valid_int("1e3", 0, 10000, &v));
	assert_false(valid_int("11", 0, 10, &v));
	assert_false(valid_int("99999999999999999999", 0, INT64_MAX, &v));
	assert_true(valid_int("9223372036854775807", 0, INT64_MAX, &v));
	assert_false(valid_int("9223372036854775808", 0, INT64_MAX, &v));
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(valid_utf8_text("中野区 ＤＸ ◎○△×", strlen("中野区 ＤＸ ◎○△×"), false));
	assert_true(valid_utf8_text("a\nb", 3, true));
	assert_false(valid_utf8_text("a\nb", 3, false));
	assert_false(valid_utf8_text("a\tb", 3, true));
	assert_false(valid_utf8_text("a\x7f", 2, true));
	assert_false(valid_utf8_text("\xc2\x85", 2, true));          /* C1 control NEL */
	assert_false(valid_utf8_text("\xe4\xb8", 2, false));         /* truncated */
	assert_false(valid_utf8_text("\xc0\xaf", 2, false));         /* overlong '/' */
	assert_false(valid_utf8_text("\xe0\x80\xaf", 3, false));     /* overlong */
	assert_false(valid_utf8_text("\xed\xa0\x80", 3, false));     /* surrogate */
	assert_false(valid_utf8_text("\xf4\x90\x80\x80", 4, false)); /* > U+10FFFF */
	assert_false(valid_utf8_text("\xff", 1, false));
	assert_true(valid_utf8_text("\xf0\x9f\x98\x80", 4, false)); /* emoji */
	assert_int_equal(utf8_length("中野区abc"), 6);
}

static void
test_named_validators(void **state)
{
	union http_qval v;

	(void)state;
	assert_null(valid_fiscal_year("2024", &v));
	assert_int_equal(v.i, 2024);
	assert_non_null(valid_fiscal_year("1999", &v));
	assert_non_null(valid_fiscal_year("abc", &v));
	assert_null(valid_limit("500", &v));
	assert_non_null(valid_limit("501", &v));
	assert_non_null(valid_limit("0", &v));
	assert_non_null(valid_limit("-1", &v));
	assert_null(valid_offset("0", &v));
	assert_non_null(valid_offset("-3", &v));
	assert_null(valid_id("2147483647", &v));
	assert_non_null(valid_id("2147483648", &v));
	assert_non_null(valid_id("0", &v));
}

static void
test_status(void **state)
{
	union http_qval v;

	(void)state;
	assert_null(valid_status("delayed", &v));
	assert_string_equal(v.s, "delayed");
	assert_null(valid_status("△", &v));
	assert_string_equal(v.s, "delayed");
	assert_null(valid_status("○", &v));
	assert_string_equal(v.s, "on_schedule");
	/* U+3007 (〇) is how the appendix legend prints it, but it is not the mark. */
	assert_non_null(valid_status("〇", &v));
	assert_non_null(valid_status("late", &v));
	assert_non_null(valid_status("", &v));
	assert_string_equal(scale_find("exceeded")->mark, "◎");
	assert_string_equal(scale_find("×")->key, "not_started");
	assert_null(scale_find("x"));
}

static void
test_search_and_measure(void **state)
{
	char longq[4 * 101 + 1] = "";
	union http_qval v;
	int i;

	(void)state;
	assert_null(valid_search("ガバメントクラウド", &v));
	for (i = 0; i < 100; i++)
		strcat(longq, "区");
	assert_null(valid_search(longq, &v));
	strcat(longq, "区");
	assert_non_null(valid_search(longq, &v));
	assert_non_null(valid_search("a\x01", &v));
	assert_non_null(valid_search("\xe4\xb8", &v));

	/* Each plan has its own format, which the database judges (sql/014):
	 * here only a short text with a digit and no spaces. */
	assert_null(valid_measure_code("1-1-①", &v));
	assert_null(valid_measure_code("12-10-⑳", &v));
	assert_null(valid_measure_code("1-2-11", &v));
	assert_null(valid_measure_code("1(1)ア", &v));
	assert_non_null(valid_measure_code("", &v));
	assert_non_null(valid_measure_code("ア", &v));
	assert_non_null(valid_measure_code("1 1", &v));
	assert_non_null(valid_measure_code("1\u30001", &v));
	assert_non_null(valid_measure_code("1-1-\x01", &v));
	assert_non_null(valid_measure_code("1-1-1234567890123456789012345678", &v));
	assert_null(valid_measure_ref("7", &v));
	assert_string_equal(v.s, "7");
	assert_null(valid_measure_ref("2-3-①", &v));
	assert_non_null(valid_measure_ref("abc", &v));
}

/* Logins are what the database's CHECK accepts; passwords count characters. */
static void
test_login_and_password(void **state)
{
	union http_qval v;

	(void)state;
	assert_null(valid_login("koseki-staff", &v));
	assert_null(valid_login("a.b_c9", &v));
	assert_null(valid_login("0k", &v));
	assert_non_null(valid_login("a", &v));
	assert_non_null(valid_login("", &v));
	assert_non_null(valid_login("Admin", &v));
	assert_non_null(valid_login("-admin", &v));
	assert_non_null(valid_login("two words", &v));
	assert_non_null(valid_login("ユーザー", &v));
	assert_null(valid_login("abcdefghijklmnopqrstuvwxyz0123456789abcd", &v));
	assert_non_null(valid_login("abcdefghijklmnopqrstuvwxyz0123456789abcde", &v));

	assert_null(valid_password("0123456789", &v));
	assert_non_null(valid_password("012345678", &v));
	/* Ten Japanese characters are 30 bytes and enough; nine are not. */
	assert_null(valid_password("進捗管理の合言葉です", &v));
	assert_non_null(valid_password("進捗管理の合言葉で", &v));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_int),          cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_named_validators),   cmocka_unit_test(test_status),
	    cmocka_unit_test(test_search_and_measure), cmocka_unit_test(test_login_and_password),
	};

	test_load_scale();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
