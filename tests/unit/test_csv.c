/* The CSV reader: RFC 4180, strictly (the writer: test_export.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

static void
test_parse_quoting(void **state)
{
	const char text[] = "\xEF\xBB\xBF"
	                    "a,b,c\r\n"
	                    "1,\"x,y\",\"say \"\"hi\"\"\"\r\n"
	                    "2,\"two\r\nlines\",\r\n"
	                    "3,last,no newline";
	struct csv c;
	char err[128];

	(void)state;
	assert_int_equal(csv_parse(text, sizeof text - 1, &c, err, sizeof err), 0);
	assert_int_equal(c.nrows, 4);
	assert_string_equal(c.rows[0].fields[0], "a"); /* the BOM is not part of it */
	assert_string_equal(c.rows[1].fields[1], "x,y");
	assert_string_equal(c.rows[1].fields[2], "say \"hi\"");
	assert_string_equal(c.rows[2].fields[1], "two\r\nlines");
	assert_string_equal(c.rows[2].fields[2], "");
	assert_int_equal(c.rows[3].line, 5);
	assert_int_equal(c.rows[3].nfields, 3);
	csv_free(&c);
}

static void
test_parse_errors(void **state)
{
	static const char *const bad[] = {"a,\"open\r\n", "a,b\"c\r\n", "a,\"x\"y\r\n", "a\rb\r\n"};
	struct csv c;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(csv_parse(bad[i], strlen(bad[i]), &c, err, sizeof err), -1);
		assert_non_null(strstr(err, "1行目"));
		assert_int_equal(c.nrows, 0);
		csv_free(&c);
	}
	/* LF-only files (not Excel's) read the same. */
	assert_int_equal(csv_parse("a,b\nc,d\n", 8, &c, err, sizeof err), 0);
	assert_int_equal(c.nrows, 2);
	assert_string_equal(c.rows[1].fields[1], "d");
	csv_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_quoting),
	    cmocka_unit_test(test_parse_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
