/* A strict CSV reader. Each field is copied out unescaped, so the caller
 * works with plain NUL-terminated strings. */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct field_buf {
	char *p;
	size_t len, cap;
};

static int
fb_add(struct field_buf *f, char ch)
{
	char *np;

	if (f->len + 2 > f->cap) {
		f->cap = f->cap ? f->cap * 2 : 64;
		if ((np = realloc(f->p, f->cap)) == NULL)
			return -1;
		f->p = np;
	}
	f->p[f->len++] = ch;
	f->p[f->len] = '\0';
	return 0;
}

/* Moves the finished field into row; the buffer starts afresh. */
static int
row_push(struct csv_row *row, struct field_buf *f)
{
	char **nf;

	if (row->nfields >= CSV_MAX_COLS)
		return -1;
	if ((nf = realloc(row->fields, (row->nfields + 1) * sizeof *nf)) == NULL)
		return -1;
	row->fields = nf;
	row->fields[row->nfields++] = f->p ? f->p : strdup("");
	f->p = NULL, f->len = f->cap = 0;
	return row->fields[row->nfields - 1] ? 0 : -1;
}

static int
csv_push(struct csv *c, struct csv_row *row)
{
	struct csv_row *nr;

	if (c->nrows >= CSV_MAX_ROWS ||
	    (nr = realloc(c->rows, (c->nrows + 1) * sizeof *nr)) == NULL)
		return -1;
	c->rows = nr;
	c->rows[c->nrows++] = *row;
	memset(row, 0, sizeof *row);
	return 0;
}

static void
row_free(struct csv_row *row)
{
	for (size_t i = 0; i < row->nfields; i++)
		free(row->fields[i]);
	free(row->fields);
	memset(row, 0, sizeof *row);
}

void
csv_free(struct csv *c)
{
	for (size_t i = 0; i < c->nrows; i++)
		row_free(&c->rows[i]);
	free(c->rows);
	memset(c, 0, sizeof *c);
}

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		goto fail;                                                                         \
	} while (0)

int
csv_parse(const char *text, size_t len, struct csv *out, char *err, size_t errlen)
{
	struct csv_row row = {0};
	struct field_buf f = {0};
	size_t i = 0;
	int line = 1, quoted = 0, was_quoted = 0;

	memset(out, 0, sizeof *out);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	row.line = 1;
	while (i < len) {
		char ch = text[i];

		if (ch == '\0')
			FAIL("%d行目：NUL 文字（0x00）があります。", line);
		if (quoted) {
			if (ch == '"' && i + 1 < len && text[i + 1] == '"') {
				i++;
			} else if (ch == '"') {
				quoted = 0, i++;
				continue;
			}
			line += ch == '\n';
			if (fb_add(&f, ch) != 0)
				FAIL("メモリが足りません。");
			i++;
			continue;
		}
		if (ch == '"') {
			if (f.len > 0 || was_quoted)
				FAIL("%d行目：引用符（\"）で囲まれていない項目の中に引用符がありま"
				     "す。",
				     line);
			quoted = was_quoted = 1, i++;
			continue;
		}
		if (ch == ',' || ch == '\n' || (ch == '\r' && i + 1 < len && text[i + 1] == '\n')) {
			if (row_push(&row, &f) != 0)
				FAIL("%d行目：列が%dより多いか、メモリが足りません。", line,
				     CSV_MAX_COLS);
			was_quoted = 0;
			if (ch == '\r')
				i++;
			if (ch != ',') {
				if (csv_push(out, &row) != 0)
					FAIL("行が%dより多いか、メモリが足りません。",
					     CSV_MAX_ROWS);
				row.line = ++line;
			}
			i++;
			continue;
		}
		if (ch == '\r')
			FAIL("%d行目：引用符の外に単独の改行文字（CR）があります。", line);
		if (was_quoted)
			FAIL("%d行目：閉じる引用符の後に文字があります。", line);
		if (fb_add(&f, ch) != 0)
			FAIL("メモリが足りません。");
		i++;
	}
	if (quoted)
		FAIL("%d行目：引用符で始まる項目が閉じられていません。", row.line);
	/* The last row without a line end. */
	if (f.len > 0 || was_quoted || row.nfields > 0) {
		if (row_push(&row, &f) != 0 || csv_push(out, &row) != 0)
			FAIL("%d行目：列または行が多すぎます。", line);
	}
	return 0;
fail:
	free(f.p);
	row_free(&row);
	csv_free(out);
	return -1;
}
