/* The council report: table 1 (counts by status), the appendix table (別紙)
 * as JSON and as the rows of the CSV/XLSX files, and the differences of a
 * closed year's snapshot from the records now. */
#ifndef SHINCHOKU_DB_REPORT_H
#define SHINCHOKU_DB_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* {"fiscal_year", "era", "counts": [...], "unset", "total", "snapshot"}
 * into *json; plan 0 is every plan. */
enum db_rc db_report_summary(struct db *db, int64_t fiscal_year, int64_t plan, char **json);

/* {"fiscal_year", "era", "snapshot", "items": [...]} into *json, from the
 * snapshot of the year's closed round, else the records; plan 0 is the
 * plan that reports that year. DB_MISSING when there is no row to report. */
enum db_rc db_report_appendix(struct db *db, int64_t fiscal_year, int64_t plan, char **json);

/* {"fiscal_year", "era", "snapshot", "items": [...]}: the cells of the
 * snapshot that differ from the records now (none before a round closes). */
enum db_rc db_report_differences(struct db *db, int64_t fiscal_year, char **json);

/* 10 columns; 11 when the plan has a second scale (sql/015): its marks
 * after the first scale's, titled by its name. */
#define DB_EXPORT_COLUMNS     10
#define DB_EXPORT_COLUMNS_MAX (DB_EXPORT_COLUMNS + 1)

/* The appendix as the files hold it. Every text is the database's, era
 * names included (fiscal_era): nothing here is computed in C. */
struct db_export {
	const char *titles[DB_EXPORT_COLUMNS_MAX]; /* 番号 … 令和5年度 取組結果 … 所管課 */
	const char *sheet;                         /* 令和6年度 別紙 */
	size_t ncols;                              /* DB_EXPORT_COLUMNS, or _MAX */
	size_t nrows;
	const char **cells; /* cells[row * ncols + col], the CSV's order */
	void *owner;        /* the result the texts live in */
};

/* The rows of the files for fiscal_year (plan 0: the reporting plan).
 * Returns DB_OK with *out filled (db_export_free it), DB_MISSING when there
 * is no row to report, DB_AWAY without a connection, DB_BUG when the query
 * failed (logged) or memory ran out; *out is empty on every failure. */
enum db_rc db_report_export(struct db *db, int64_t fiscal_year, int64_t plan,
                            struct db_export *out);
void db_export_free(struct db_export *e);

#endif
