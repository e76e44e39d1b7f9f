/* The CSV reader (src/report/csv.c) on any bytes, as an upload of the year
 * import hands them over: a buffer of exactly the upload's length. */
#include "fuzz.h"

#include "csv.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_exact(data, size), err[160] = "";
	struct csv c;
	size_t r, f;
	int line = 0;

	if (csv_parse(text, size, &c, err, sizeof err) != 0) {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(c.nrows == 0 && c.rows == NULL);
	} else {
		FUZZ_CHECK(c.nrows <= CSV_MAX_ROWS);
		for (r = 0; r < c.nrows; r++) {
			/* Rows start further down the file, one after another. */
			FUZZ_CHECK(c.rows[r].line > line);
			line = c.rows[r].line;
			FUZZ_CHECK(c.rows[r].nfields >= 1 && c.rows[r].nfields <= CSV_MAX_COLS);
			for (f = 0; f < c.rows[r].nfields; f++)
				FUZZ_CHECK(c.rows[r].fields[f] != NULL);
		}
	}
	csv_free(&c);
	free(text);
	return 0;
}
