/* RFC 4180 CSV, read strictly: quoted fields may hold commas, quotes
 * (doubled) and line breaks; a stray quote is an error with its line. A
 * leading UTF-8 BOM (what Excel writes) is skipped; rows may end in CRLF
 * or LF. */
#ifndef SHINCHOKU_CSV_H
#define SHINCHOKU_CSV_H

#include <stddef.h>

#define CSV_MAX_ROWS 20000
#define CSV_MAX_COLS 64

struct csv_row {
	size_t nfields;
	char **fields;
	int line; /* where the row starts in the file, from 1 */
};

struct csv {
	size_t nrows;
	struct csv_row *rows;
};

/* Parses text[0..len) into out. Returns 0, or -1 with a message naming
 * the line in err. out is empty after a failure; csv_free it either way. */
int csv_parse(const char *text, size_t len, struct csv *out, char *err, size_t errlen);
void csv_free(struct csv *c);

#endif
