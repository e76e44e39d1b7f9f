/* The database side of importing a fiscal year's updates from a CSV
 * (report/yearimport.c does the checking): the year's appendix as it is
 * now, and the writing of the checked changes in one transaction.
 * (Not "yearimport.h": that is report/yearimport.h, the import itself, and
 * both folders are on the include path of api/ and server/.) */
#ifndef SHINCHOKU_DB_YEAR_IMPORT_H
#define SHINCHOKU_DB_YEAR_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* One row of the year's appendix (report_appendix), what a row of the
 * file is checked against. The texts live in the result of the load. */
struct db_yi_record {
	long seq; /* rows[i].seq is i + 1 */
	int64_t activity_id;
	bool relisted;   /* a re-listed row (再掲): no status, no results */
	bool has_record; /* the activity has a record for the year */
	bool pending;    /* a status request of the year waits for approval */
	bool pending2;   /* one of the second scale's does (sql/015) */
	int64_t version; /* the record's, 0 without one */
	const char *measure_code, *activity;
	const char *status;  /* a key of the scale, "" when none */
	const char *status2; /* a key of the second scale, "" when none */
	const char *change_reason, *result_prev, *result, *plan_next;
	const char *departments; /* the 所管課 cell: names joined by 、 */
};

/* A level of one of the plan's scales (progress_status). */
struct db_yi_level {
	const char *key, *mark;
	int scale; /* 1 or 2 */
	bool reason_required;
};

struct db_yi_current {
	size_t n;
	struct db_yi_record *rows;
	void *owner; /* the result the texts live in */
	size_t nlevels;
	struct db_yi_level *levels; /* the plan's, by scale and position */
	void *levels_owner;
};

/* The appendix of fiscal_year as it is now, in the report's order, of
 * plan (0: the reporting plan, report_plan), and the levels of its scales.
 * Returns DB_OK with *out filled (db_yearimport_free it), DB_AWAY without
 * a connection, DB_BUG when the query failed (logged) or memory ran out;
 * *out is empty on every failure. */
enum db_rc db_yearimport_load(struct db *db, int fiscal_year, int64_t plan,
                              struct db_yi_current *out);
void db_yearimport_free(struct db_yi_current *c);

/* What one row of the file changes in its record. */
struct db_yi_change {
	int64_t activity_id;
	int64_t version; /* the record's version when it was loaded */
	/* New texts; NULL where the file leaves the text as it is. */
	const char *change_reason, *result, *plan_next;
	/* The new status key, NULL when unchanged: set as decided, or (not
	 * decided) a pending request of the user with change_reason, else the
	 * record's reason, as its reason. */
	const char *status;
	const char *status2; /* the same for the second scale */
	const char *reason;  /* the reason a request carries (the row's) */
};

struct db_yi_apply {
	int fiscal_year;
	int user; /* the importing user; 0: the command line */
	bool dry_run, decided;
	const struct db_yi_change *changes;
	size_t n;
	size_t failed; /* out: the change that ended it, when not DB_OK */
};

/* Writes every change in ONE transaction acting as a->user through the
 * channel "import" (the audit log's), after locking the year's records.
 * Returns:
 *   DB_OK      every change was written and committed (with dry_run: all
 *              were written, then rolled back);
 *   DB_STALE   changes[a->failed]'s record changed since it was loaded;
 *   DB_DENIED  its record is out of this user's reach (row-level policy);
 *   DB_REFUSED a rule of the database refused changes[a->failed]
 *              (db_last_fault names it: SHLCK for a locked year);
 *   DB_AWAY    the connection is gone; DB_BUG a statement failed (logged),
 *              a->failed is then the change it was writing, or a->n.
 * On anything but DB_OK nothing was written. */
enum db_rc db_yearimport_apply(struct db *db, struct db_yi_apply *a);

#endif
