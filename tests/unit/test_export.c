/* The export's CSV writer: RFC 4180, read back by the reader; and formula
 * injection (OWASP): a cell that could start a formula goes out behind an
 * apostrophe, and the import's export_cell_restore takes exactly that
 * apostrophe away again, so that an export read back is the text as
 * stored, whatever the text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "export.h"

static void
test_which_cells(void **state)
{
	static const char *const risky[] = {"=1+2", "+1",    "-",   "-3 件", "@SUM(A1)",
	                                    "\tx",  "\r\nx", "'=x", "''-x"};
	/* Full-width ＝ and the long vowel mark ー are text to Excel. */
	static const char *const plain[] = {"",     "'",  "'a", "''",       "a=b",
	                                    "１件", "＝", "ー", "（拡充）", "○"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof risky / sizeof risky[0]; i++)
		assert_true(export_cell_neutralise(risky[i]));
	for (i = 0; i < sizeof plain / sizeof plain[0]; i++)
		assert_false(export_cell_neutralise(plain[i]));
}

/* restore(neutralise(s)) == s, and restore leaves every cell that was not
 * neutralised alone: tried on every text of up to four characters made of
 * an apostrophe, =, -, a TAB and a letter. */
static void
test_restore_undoes_exactly(void **state)
{
	static const char alphabet[] = "'=-\ta";
	const size_t k = sizeof alphabet - 1;
	char s[8], cell[9];
	size_t len, n, i, v, tried = 0;

	(void)state;
	for (len = 0; len <= 4; len++) {
		for (n = 1, i = 0; i < len; i++)
			n *= k;
		for (v = 0; v < n; v++) {
			size_t x = v;

			for (i = 0; i < len; i++, x /= k)
				s[i] = alphabet[x % k];
			s[len] = '\0';
			snprintf(cell, sizeof cell, "%s%s", export_cell_neutralise(s) ? "'" : "",
			         s);
			export_cell_restore(cell);
			assert_string_equal(cell, s);
			tried++;
		}
	}
	assert_int_equal(tried, 1 + 5 + 25 + 125 + 625);
}

/* Exports one row of cells, finds expect in the file, reads it back with
 * the CSV reader and the import's restore, and finds the cells again. */
static void
round_trip(const char *const cells[EXPORT_COLUMNS], const char *expect)
{
	struct export_table t = {.fiscal_year = 2024, .nrows = 1, .cells = cells};
	struct csv c;
	char err[128];
	size_t len;
	char *out = export_csv(&t, &len);
	int i;

	assert_non_null(out);
	assert_memory_equal(out, "\xEF\xBB\xBFseq,measure_code,", 20);
	assert_non_null(strstr(out, "result_2023,result_2024,plan_2025,departments\r\n"));
	assert_non_null(strstr(out, expect));
	assert_int_equal(csv_parse(out, len, &c, err, sizeof err), 0);
	assert_int_equal(c.nrows, 2);
	for (i = 0; i < EXPORT_COLUMNS; i++) {
		export_cell_restore(c.rows[1].fields[i]);
		assert_string_equal(c.rows[1].fields[i], cells[i]);
	}
	csv_free(&c);
	free(out);
}

/* Quoted when it holds a comma, a quote or a line break, else as is. */
static void
test_csv_quoting(void **state)
{
	const char *cells[EXPORT_COLUMNS] = {"1", "1-1-①",    "名,前", "\"引用\"", "○",
	                                     "",  "行1\n行2", "普通",  "（推進）", "戸籍住民課"};

	(void)state;
	round_trip(cells, "\"名,前\",\"\"\"引用\"\"\",○,,\"行1\n行2\",普通,");
}

/* Quoted, with the apostrophe inside the quotes; a semicolon is quoted. */
static void
test_csv_neutralised(void **state)
{
	const char *cells[EXPORT_COLUMNS] = {
	    "1",  "1-1-①",      "-3 件",  "@SUM(A1)",
	    "○",  "'=既にある", "a;=1+2", "=HYPERLINK(\"http://example.invalid\",\"x\")",
	    "+1", "戸籍住民課"};

	(void)state;
	round_trip(
	    cells,
	    "\r\n1,1-1-①,\"'-3 件\",\"'@SUM(A1)\",○,\"''=既にある\",\"a;=1+2\","
	    "\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\",\"'+1\",戸籍住民課\r\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_which_cells),
	    cmocka_unit_test(test_restore_undoes_exactly),
	    cmocka_unit_test(test_csv_quoting),
	    cmocka_unit_test(test_csv_neutralised),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
