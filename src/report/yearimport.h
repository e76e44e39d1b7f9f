/* Importing a fiscal year's results and plans from a CSV in the columns of
 * progress.csv: every row and column is checked first, then everything is
 * applied in one transaction, or nothing. A dry run does the same and rolls
 * back, so it also meets every rule of the database. The SQL is behind
 * db/year_import.h; this is the checking, on typed records. */
#ifndef SHINCHOKU_YEARIMPORT_H
#define SHINCHOKU_YEARIMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct json_object;

struct yearimport_options {
	int fiscal_year;
	/* The plan whose rows and scales the file holds; 0: the reporting
	 * plan (report_plan), as the export without ?plan=. */
	int64_t plan;
	bool dry_run;
	/* Status changes are applied as decided; otherwise each becomes a
	 * pending request of user_id, approved like one made in the UI. */
	bool decided;
	int user_id; /* 0: the command line, which has no user */
};

enum yearimport_result {
	YI_OK,       /* applied, or a dry run without problems */
	YI_PROBLEMS, /* the file has problems: nothing was applied */
	YI_DB_ERROR, /* the database is away: nothing was applied */
	YI_BUG       /* a statement failed or memory ran out (logged): nothing was applied */
};

/* Checks and applies text[0..len). *report is a JSON object the caller
 * owns (json_object_put), describing the changes and the problems. */
enum yearimport_result yearimport_run(struct db *db, const char *text, size_t len,
                                      const struct yearimport_options *opt,
                                      struct json_object **report);

#endif
