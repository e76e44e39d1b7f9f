/* The appendix table (別紙) as files: CSV for any spreadsheet and a real
 * XLSX workbook. Both take the same table, already in the report's order. */
#ifndef SHINCHOKU_EXPORT_H
#define SHINCHOKU_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#define EXPORT_COLUMNS 10
/* With a second scale (sql/015): its column after the first's. */
#define EXPORT_COLUMNS_MAX (EXPORT_COLUMNS + 1)
/* The first scale's marks (進捗状況). */
#define EXPORT_STATUS_COLUMN 4

/* A table of rows of ncols texts (EXPORT_COLUMNS, or EXPORT_COLUMNS_MAX for
 * a plan with a second scale); cells[row * ncols + col].
 * The Japanese titles and the sheet's name are the database's (their era
 * names come from SQL fiscal_era(), the one definition); only the XLSX
 * shows them. */
struct export_table {
	int fiscal_year;
	size_t ncols; /* 0: EXPORT_COLUMNS */
	size_t nrows;
	const char *const *cells;
	const char *const *titles; /* ncols titles (令和5年度 取組結果, …) */
	const char *sheet;         /* 令和6年度 別紙 */
};

/* The column keys of the header row (seq, …, result_2023, plan_2025, …)
 * for fiscal year fy: the CSV's header, which the import checks. */
void export_header(int fy, char keys[EXPORT_COLUMNS][32]);

/* Formula injection (OWASP): a cell that begins with = + - @ TAB or CR,
 * after any apostrophes, is written to the CSV with one apostrophe more in
 * front, so that a spreadsheet shows it as text; export_cell_neutralise
 * says whether s is such a cell. export_cell_restore takes that one
 * apostrophe away again, in place (the import does), so that an export
 * read back is the text exactly: restore(neutralise(s)) == s for every s. */
bool export_cell_neutralise(const char *s);
void export_cell_restore(char *s);

/* CSV: UTF-8 with a BOM (Excel then reads it as UTF-8), CRLF, RFC 4180
 * quoting, cells neutralised as above. Returns a malloc'd buffer and its length in *len, NULL on no
 * memory. */
char *export_csv(const struct export_table *t, size_t *len);

/* The same CSV of any table: a header row of ncols texts, then nrows rows
 * of cells[row * ncols + col] (other files than the appendix: the public
 * comment's result table). */
char *export_csv_cells(size_t ncols, const char *const *header, size_t nrows,
                       const char *const *cells, size_t *len);

/* XLSX written by libxlsxwriter through a private temporary file, with
 * t->titles as its header row and t->sheet as the sheet's name. Returns a
 * malloc'd buffer of the file's size, NULL on failure (logged). */
char *export_xlsx(const struct export_table *t, size_t *len);

#endif
