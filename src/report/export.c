/* Writing the appendix table as CSV and XLSX. */
#include "export.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "fileio.h"
#include "log.h"

void
export_header(int fy, char keys[EXPORT_COLUMNS][32])
{
	static const char *const fixed_keys[] = {"seq",      "measure_code", "measure_name",
	                                         "activity", "status",       "change_reason"};
	int i;

	/* Every key fits: the longest is "change_reason", or "result_" and a
	 * year of at most 4 digits (FY_MAX). */
	for (i = 0; i < 6; i++)
		snprintf(keys[i], 32, "%s", fixed_keys[i]);
	snprintf(keys[6], 32, "result_%d", fy - 1);
	snprintf(keys[7], 32, "result_%d", fy);
	snprintf(keys[8], 32, "plan_%d", fy + 1);
	snprintf(keys[9], 32, "departments");
}

/* ---- CSV ---- */

struct buf {
	char *p;
	size_t len, cap;
	int failed;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
	char *np;

	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 65536;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->p = np, b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* A spreadsheet reads a cell that begins with = + - @ as a formula, and
 * skips a leading TAB or CR before it looks (OWASP, "CSV Injection"). */
static bool
formula_start(char c)
{
	return c != '\0' && strchr("=+-@\t\r", c) != NULL;
}

bool
export_cell_neutralise(const char *s)
{
	/* Apostrophes already in front get one more, so that the import,
	 * which takes exactly one away, gives back what was written. */
	s += strspn(s, "'");
	return formula_start(*s);
}

void
export_cell_restore(char *s)
{
	size_t n = strspn(s, "'");

	if (n > 0 && formula_start(s[n]))
		memmove(s, s + 1, strlen(s));
}

/* RFC 4180: quoted when it holds a comma, a quote or a line break; quotes
 * inside are doubled. Also quoted: a cell with a semicolon, which is the
 * separator where the locale's decimal mark is a comma (a second cell
 * could begin there), and a neutralised cell, which OWASP would have
 * quoted too. A cell that could start a formula gets the apostrophe in
 * front that makes a spreadsheet take it as text (export_cell_neutralise);
 * no FY2024 cell starts so, so that file's bytes do not change. */
static void
csv_field(struct buf *b, const char *s)
{
	bool neutral = export_cell_neutralise(s);
	const char *q;

	if (!neutral && strpbrk(s, ",;\"\r\n") == NULL) {
		buf_add(b, s, strlen(s));
		return;
	}
	buf_add(b, "\"", 1);
	if (neutral)
		buf_add(b, "'", 1);
	while ((q = strchr(s, '"')) != NULL) {
		buf_add(b, s, (size_t)(q - s) + 1);
		buf_add(b, "\"", 1);
		s = q + 1;
	}
	buf_add(b, s, strlen(s));
	buf_add(b, "\"", 1);
}

static void
csv_row(struct buf *b, const char *const *cells, size_t ncols)
{
	size_t c;

	for (c = 0; c < ncols; c++) {
		if (c > 0)
			buf_add(b, ",", 1);
		csv_field(b, cells[c]);
	}
	buf_add(b, "\r\n", 2);
}

char *
export_csv_cells(size_t ncols, const char *const *header, size_t nrows, const char *const *cells,
                 size_t *len)
{
	struct buf b = {0};
	size_t r;

	buf_add(&b, "\xEF\xBB\xBF", 3);
	csv_row(&b, header, ncols);
	for (r = 0; r < nrows; r++)
		csv_row(&b, cells + r * ncols, ncols);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	/* An empty table still has its BOM and header: b.p is set. */
	*len = b.len;
	return b.p;
}

static size_t
table_ncols(const struct export_table *t)
{
	return t->ncols == EXPORT_COLUMNS_MAX ? EXPORT_COLUMNS_MAX : EXPORT_COLUMNS;
}

/* Column c of a table of n columns in the ten of a one-scale table;
 * EXPORT_COLUMNS for the second scale's column (sql/015), which comes
 * right after the first scale's. */
static size_t
base_column(size_t n, size_t c)
{
	if (n != EXPORT_COLUMNS_MAX || c <= EXPORT_STATUS_COLUMN)
		return c;
	return c == EXPORT_STATUS_COLUMN + 1 ? EXPORT_COLUMNS : c - 1;
}

char *
export_csv(const struct export_table *t, size_t *len)
{
	char keys[EXPORT_COLUMNS][32];
	const char *header[EXPORT_COLUMNS_MAX];
	size_t c, b, n = table_ncols(t);

	/* The header says in Japanese what the report prints (the titles);
	 * without them, the keys the import also takes (status2 after status
	 * when there is a second scale). */
	export_header(t->fiscal_year, keys);
	for (c = 0; c < n; c++) {
		b = base_column(n, c);
		header[c] = t->titles != NULL     ? t->titles[c]
		            : b == EXPORT_COLUMNS ? "status2"
		                                  : keys[b];
	}
	return export_csv_cells(n, header, t->nrows, t->cells, len);
}

/* ---- XLSX ---- */

/* Widths in characters, for the columns' usual contents. */
static const double xlsx_widths[EXPORT_COLUMNS] = {5, 9, 24, 30, 7, 24, 44, 44, 30, 16};

/* Whether column c of n holds marks (centred): the number, the first
 * scale's and the second's. */
static bool
xlsx_is_mark(size_t n, size_t c)
{
	size_t b = base_column(n, c);

	return b == 0 || b == EXPORT_STATUS_COLUMN || b == EXPORT_COLUMNS;
}

/* The second scale's column is as wide as the first's. */
static double
xlsx_width(size_t n, size_t c)
{
	size_t b = base_column(n, c);

	return xlsx_widths[b == EXPORT_COLUMNS ? EXPORT_STATUS_COLUMN : b];
}

/* The one sheet; false when libxlsxwriter refused it (logged). */
static bool
xlsx_sheet(lxw_workbook *wb, const struct export_table *t)
{
	lxw_worksheet *ws;
	lxw_format *head = workbook_add_format(wb), *cell = workbook_add_format(wb),
	           *mark = workbook_add_format(wb);
	size_t r, c, n = table_ncols(t);

	/* NULL for a name Excel refuses (over 31 characters, []:*?/\). */
	if ((ws = workbook_add_worksheet(wb, t->sheet)) == NULL) {
		log_error("xlsx: the sheet name \"%s\" was refused", t->sheet ? t->sheet : "");
		return false;
	}
	format_set_bold(head);
	format_set_bg_color(head, 0xDDEBF7);
	format_set_text_wrap(head);
	format_set_align(head, LXW_ALIGN_CENTER);
	format_set_align(head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_border(head, LXW_BORDER_THIN);
	format_set_text_wrap(cell);
	format_set_align(cell, LXW_ALIGN_VERTICAL_TOP);
	format_set_border(cell, LXW_BORDER_THIN);
	format_set_align(mark, LXW_ALIGN_CENTER);
	format_set_align(mark, LXW_ALIGN_VERTICAL_TOP);
	format_set_border(mark, LXW_BORDER_THIN);

	for (c = 0; c < n; c++) {
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, xlsx_width(n, c), NULL);
		worksheet_write_string(ws, 0, (lxw_col_t)c, t->titles[c], head);
	}
	for (r = 0; r < t->nrows; r++) {
		const char *const *row = t->cells + r * n;
		lxw_row_t x = (lxw_row_t)(r + 1);

		worksheet_write_number(ws, x, 0, atof(row[0]), mark);
		/* Every text is a string cell (t="s", a shared string), never a
		 * formula (<f>): Excel and LibreOffice evaluate only formulas, so
		 * =HYPERLINK(…) here is inert text and needs no apostrophe — one
		 * would show, and change the report's words. What is left is a
		 * user who edits such a cell and presses Enter, which makes it a
		 * formula; the quotePrefix style that prevents even that needs
		 * format_set_quote_prefix, which Debian 12's libxlsxwriter 1.1.4
		 * does not have. */
		for (c = 1; c < n; c++)
			worksheet_write_string(ws, x, (lxw_col_t)c, row[c],
			                       xlsx_is_mark(n, c) ? mark : cell);
	}
	/* Header and the activity's name stay in view while scrolling. */
	worksheet_freeze_panes(ws, 1, 4);
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->nrows, (lxw_col_t)(n - 1));
	/* Printed like the report's appendix: A4 landscape, one page wide. */
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_repeat_rows(ws, 0, 0);
	return true;
}

char *
export_xlsx(const struct export_table *t, size_t *len)
{
	char path[] = "/tmp/shinchoku-xlsx-XXXXXX", err[256];
	lxw_workbook *wb;
	lxw_error rc;
	struct stat st = {0};
	char *data = NULL;
	bool written;
	int fd;

	if (t->titles == NULL || t->sheet == NULL) {
		log_error("xlsx: no titles or sheet name");
		return NULL;
	}
	if ((fd = mkstemp(path)) < 0) {
		log_error("xlsx: no temporary file: %m");
		return NULL;
	}
	close(fd);
	if ((wb = workbook_new(path)) == NULL) {
		log_error("xlsx: workbook_new failed");
	} else {
		written = xlsx_sheet(wb, t);
		/* Closed either way: that frees the workbook. */
		if ((rc = workbook_close(wb)) != LXW_NO_ERROR)
			log_error("xlsx: %s", lxw_strerror(rc));
		else if (written && stat(path, &st) != 0)
			log_error("xlsx: %s: %m", path);
		/* As much memory as the file holds, no more. */
		else if (written &&
		         (data = file_read(path, (size_t)st.st_size, len, err, sizeof err)) == NULL)
			log_error("xlsx: %s", err);
	}
	unlink(path);
	return data;
}
