/* A year's updates from a CSV. Parse, check every row and column against
 * the appendix as it is now (db_yearimport_load), and only when nothing is
 * wrong write every change in one transaction (db_yearimport_apply), each
 * write guarded by the version the checks read; the audit trigger logs
 * each write under the channel "import" and the importing user. */
#include "yearimport.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "csv.h"
#include "db.h"
#include "export.h"
#include "log.h"
#include "scale.h"
#include "text.h"
#include "refusal.h"
#include "year_import.h"

/* Columns of the file (export order). */
enum {
	F_SEQ,
	F_CODE,
	F_MEASURE,
	F_ACTIVITY,
	F_STATUS,
	F_REASON,
	F_PREV,
	F_RESULT,
	F_PLAN,
	F_DEPTS
};

/* Longest texts, as in the database's CHECKs. */
static const size_t text_max[EXPORT_COLUMNS] = {
    [F_REASON] = 2000, [F_RESULT] = 4000, [F_PLAN] = 4000};

/* Where a change came from, for the problem the database may raise. */
struct origin {
	int line;
	long seq;
	char status[sizeof((struct scale_level *)0)->key]; /* the new key */
};

struct yi {
	const struct yearimport_options *opt;
	char keys[EXPORT_COLUMNS][32];
	bool has_version;
	struct db_yi_current cur;
	bool *seen; /* per current row: already in the file */
	struct db_yi_change *todo;
	struct origin *from; /* from[i] answers todo[i] */
	size_t ntodo;
	struct json_object *problems, *changes, *requests;
	int nchanged;
	bool failed; /* out of memory: nothing is applied */
};

/* The message as long as it is: nothing is cut. */
static void __attribute__((format(printf, 5, 6)))
problem(struct yi *y, int line, long seq, const char *column, const char *fmt, ...)
{
	struct json_object *p;
	char *msg;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (msg = malloc((size_t)n + 1)) == NULL) {
		log_error("import: out of memory");
		y->failed = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	p = json_object_new_object();
	json_object_object_add(p, "line", json_object_new_int(line));
	json_object_object_add(p, "seq", seq > 0 ? json_object_new_int64(seq) : NULL);
	json_object_object_add(p, "column", column ? json_object_new_string(column) : NULL);
	json_object_object_add(p, "message", json_object_new_string_len(msg, n));
	json_object_array_add(y->problems, p);
	free(msg);
}

static const struct db_yi_record *
current(const struct yi *y, long seq)
{
	return &y->cur.rows[seq - 1];
}

static void
change(struct yi *y, int line, long seq, const char *column, const char *before, const char *after)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "line", json_object_new_int(line));
	json_object_object_add(c, "seq", json_object_new_int64(seq));
	json_object_object_add(c, "activity_id",
	                       json_object_new_int64(current(y, seq)->activity_id));
	json_object_object_add(c, "column", json_object_new_string(column));
	json_object_object_add(c, "before", json_object_new_string(before));
	json_object_object_add(c, "after", json_object_new_string(after));
	json_object_array_add(y->changes, c);
}

/* The header must be the export's, optionally with a version column. */
static bool
check_header(struct yi *y, const struct csv_row *h)
{
	size_t c;

	export_header(y->opt->fiscal_year, y->keys);
	y->has_version =
	    h->nfields == EXPORT_COLUMNS + 1 && strcmp(h->fields[EXPORT_COLUMNS], "version") == 0;
	for (c = 0; c < EXPORT_COLUMNS; c++)
		if (c >= h->nfields || strcmp(h->fields[c], y->keys[c]) != 0) {
			problem(
			    y, h->line, 0, y->keys[c],
			    "the header's column %zu must be %s (the columns of progress.csv for "
			    "fiscal year %d)",
			    c + 1, y->keys[c], y->opt->fiscal_year);
			return false;
		}
	if (h->nfields != EXPORT_COLUMNS + (y->has_version ? 1 : 0)) {
		problem(y, h->line, 0, NULL, "the header has %zu columns; expected %d", h->nfields,
		        EXPORT_COLUMNS);
		return false;
	}
	return true;
}

/* Is name (n bytes) one whole entry of the 、-separated list? */
static bool
list_has(const char *list, const char *name, size_t n)
{
	const char *p, *end;

	for (p = list; *p != '\0'; p = end + 3) {
		end = strstr(p, "、");
		if ((end ? (size_t)(end - p) : strlen(p)) == n && strncmp(p, name, n) == 0)
			return true;
		if (end == NULL)
			break;
	}
	return false;
}

/* Every name in the 所管課 cell is a responsible department of the row
 * (the separator is the three-byte 、, so no byte-wise tokenizer). */
static void
check_departments(struct yi *y, const struct csv_row *r, long seq, const char *responsible)
{
	const char *p, *end;
	size_t n;

	for (p = r->fields[F_DEPTS]; *p != '\0'; p = end + 3) {
		end = strstr(p, "、");
		n = end ? (size_t)(end - p) : strlen(p);
		if (n > 0 && !list_has(responsible, p, n))
			problem(y, r->line, seq, y->keys[F_DEPTS],
			        "%.*s is not a responsible department of this activity (%s)",
			        (int)n, p, responsible);
		if (end == NULL)
			break;
	}
}

/* The row's changes, checked, as one entry of y->todo (none when the row
 * is as the record is); the report lists them. */
static void
plan_row(struct yi *y, const struct csv_row *r, long seq, const char *status)
{
	const struct db_yi_record *k = current(y, seq);
	struct db_yi_change *c = &y->todo[y->ntodo];
	struct origin *o = &y->from[y->ntodo];
	const char *before[3] = {k->change_reason, k->result, k->plan_next};
	const char **after[3] = {&c->change_reason, &c->result, &c->plan_next};
	static const int cols[3] = {F_REASON, F_RESULT, F_PLAN};
	bool changed = false;
	int i;

	memset(c, 0, sizeof *c);
	c->activity_id = k->activity_id;
	c->version = k->version;
	o->line = r->line, o->seq = seq;
	for (i = 0; i < 3; i++)
		if (strcmp(before[i], r->fields[cols[i]]) != 0) {
			*after[i] = r->fields[cols[i]], changed = true;
			change(y, r->line, seq, y->keys[cols[i]], before[i], r->fields[cols[i]]);
		}
	if (strcmp(status, k->status) != 0) {
		struct json_object *q = json_object_new_object();
		const struct scale_level *was = scale_find(k->status);

		json_object_object_add(q, "line", json_object_new_int(r->line));
		json_object_object_add(q, "seq", json_object_new_int64(seq));
		json_object_object_add(q, "activity_id", json_object_new_int64(k->activity_id));
		json_object_object_add(q, "from", json_object_new_string(was ? was->mark : ""));
		json_object_object_add(q, "to", json_object_new_string(r->fields[F_STATUS]));
		json_object_object_add(
		    q, "state", json_object_new_string(y->opt->decided ? "applied" : "pending"));
		json_object_array_add(y->requests, q);
		snprintf(o->status, sizeof o->status, "%s", status); /* a key: it fits */
		c->status = o->status;
		c->reason = r->fields[F_REASON];
		changed = true;
	}
	if (changed)
		y->ntodo++, y->nchanged++;
}

/* Texts as valid one-line or multi-line UTF-8 within their limits. */
static bool
check_texts(struct yi *y, const struct csv_row *r, long seq)
{
	bool ok = true;
	int c;

	for (c = F_MEASURE; c < EXPORT_COLUMNS; c++) {
		const char *s = r->fields[c];
		bool multiline = text_max[c] > 0;

		if (!valid_utf8_text(s, strlen(s), multiline)) {
			problem(y, r->line, seq, y->keys[c], "not valid UTF-8 text%s",
			        multiline ? " (control characters other than newlines)"
			                  : " on one line");
			ok = false;
		} else if (text_max[c] > 0 && utf8_length(s) > text_max[c]) {
			problem(y, r->line, seq, y->keys[c], "longer than %zu characters (%zu)",
			        text_max[c], utf8_length(s));
			ok = false;
		}
	}
	return ok;
}

/* The row's status key into *status ("" for none); false with a problem.
 * The marks and which of them need a reason are the scale's (the table
 * progress_status); "blank" is text_blank's. */
static bool
check_status(struct yi *y, const struct csv_row *r, long seq, const char **status)
{
	const struct db_yi_record *k = current(y, seq);
	const struct scale_level *lv, *was;

	if (r->fields[F_STATUS][0] == '\0') {
		*status = "";
		if (k->status[0] == '\0')
			return true;
		was = scale_find(k->status);
		problem(y, r->line, seq, y->keys[F_STATUS],
		        "the status cannot be emptied (it is %s)", was ? was->mark : k->status);
		return false;
	}
	if ((lv = scale_find(r->fields[F_STATUS])) == NULL) {
		problem(y, r->line, seq, y->keys[F_STATUS], "must be one of %s (or empty)",
		        scale_describe());
		return false;
	}
	*status = lv->key;
	if (strcmp(lv->key, k->status) == 0)
		return true;
	if (lv->reason_required && text_blank(r->fields[F_REASON])) {
		problem(y, r->line, seq, y->keys[F_REASON], "a reason is required for %s",
		        lv->mark);
		return false;
	}
	if (!y->opt->decided && y->opt->user_id == 0) {
		problem(y, r->line, seq, y->keys[F_STATUS],
		        "from the command line a status change needs --decided (there is no user "
		        "to request it)");
		return false;
	}
	if (!y->opt->decided && k->pending) {
		problem(y, r->line, seq, y->keys[F_STATUS],
		        "a status change is pending approval already");
		return false;
	}
	return true;
}

/* The row is the report's row seq, unchanged where it must be. */
static bool
check_identity(struct yi *y, const struct csv_row *r, long *seq)
{
	const struct db_yi_record *k;
	int64_t n;

	if (r->nfields != EXPORT_COLUMNS + (size_t)y->has_version) {
		problem(y, r->line, 0, NULL, "%zu columns; the header has %d", r->nfields,
		        EXPORT_COLUMNS + y->has_version);
		return false;
	}
	if (!valid_int(r->fields[F_SEQ], 1, (int64_t)y->cur.n, &n)) {
		problem(y, r->line, 0, y->keys[F_SEQ], "no row %s in the report of fiscal year %d",
		        r->fields[F_SEQ], y->opt->fiscal_year);
		return false;
	}
	*seq = (long)n, k = current(y, *seq);
	if (y->seen[n - 1]) {
		problem(y, r->line, *seq, y->keys[F_SEQ], "row %ld appears twice", *seq);
		return false;
	}
	y->seen[n - 1] = true;
	if (strcmp(r->fields[F_CODE], k->measure_code) != 0 ||
	    strcmp(r->fields[F_ACTIVITY], k->activity) != 0) {
		problem(y, r->line, *seq, y->keys[F_ACTIVITY],
		        "unknown activity: row %ld of the report is %s %s", *seq, k->measure_code,
		        k->activity);
		return false;
	}
	return true;
}

/* All checks of one data row; false when it has a problem. */
static bool
check_row(struct yi *y, const struct csv_row *r, long *seq, const char **status)
{
	const struct db_yi_record *k;
	int64_t v;
	int c;

	if (!check_identity(y, r, seq) || !check_texts(y, r, *seq))
		return false;
	k = current(y, *seq);
	if (k->relisted) {
		for (c = F_STATUS; c <= F_PLAN; c++)
			if (r->fields[c][0] != '\0') {
				problem(
				    y, r->line, *seq, y->keys[c],
				    "a re-listed row (再掲) holds no status or results: they are "
				    "reported in its own row");
				return false;
			}
		return true;
	}
	if (!k->has_record) {
		problem(y, r->line, *seq, NULL, "the activity has no record for fiscal year %d",
		        y->opt->fiscal_year);
		return false;
	}
	if (strcmp(r->fields[F_PREV], k->result_prev) != 0) {
		problem(y, r->line, *seq, y->keys[F_PREV],
		        "the result of fiscal year %d is not changed by this import",
		        y->opt->fiscal_year - 1);
		return false;
	}
	if (y->has_version &&
	    (!valid_int(r->fields[EXPORT_COLUMNS], 1, INT32_MAX, &v) || v != k->version)) {
		problem(y, r->line, *seq, "version",
		        "the record changed since the export (version %lld, the file has %s)",
		        (long long)k->version, r->fields[EXPORT_COLUMNS]);
		return false;
	}
	check_departments(y, r, *seq, k->departments);
	return check_status(y, r, *seq, status);
}

static struct json_object *
yi_report(struct yi *y, const struct csv *c, bool applied)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "fiscal_year", json_object_new_int(y->opt->fiscal_year));
	json_object_object_add(o, "dry_run", json_object_new_boolean(y->opt->dry_run));
	json_object_object_add(o, "decided", json_object_new_boolean(y->opt->decided));
	json_object_object_add(o, "applied", json_object_new_boolean(applied));
	json_object_object_add(o, "rows",
	                       json_object_new_int(c->nrows > 0 ? (int)c->nrows - 1 : 0));
	json_object_object_add(o, "changed_rows", json_object_new_int(y->nchanged));
	json_object_object_add(o, "changes", y->changes);
	json_object_object_add(o, "status_changes", y->requests);
	json_object_object_add(o, "problems", y->problems);
	return o;
}

/* Checks every row of c against y->cur, planning the changes of the rows
 * without a problem. Nothing is written here. */
static void
yi_rows(struct yi *y, const struct csv *c)
{
	const char *status = "";
	size_t i, before;
	long seq;

	if (c->nrows == 0) {
		problem(y, 1, 0, NULL, "the file is empty");
		return;
	}
	if (!check_header(y, &c->rows[0]))
		return;
	for (i = 1; i < c->nrows && !y->failed; i++) {
		/* The export's apostrophe before a cell that could start a
		 * formula is not part of the text: off again, so an export comes
		 * back exactly as it went out (export_cell_restore). */
		for (size_t f = 0; f < c->rows[i].nfields; f++)
			export_cell_restore(c->rows[i].fields[f]);
		before = json_object_array_length(y->problems);
		if (check_row(y, &c->rows[i], &seq, &status) &&
		    json_object_array_length(y->problems) == before && !current(y, seq)->relisted)
			plan_row(y, &c->rows[i], seq, status);
	}
}

/* What the database said about the change that ended the writes, as a
 * problem of its row (line 0 when it was no row's: the lock or COMMIT). */
static void
refused(struct yi *y, struct db *db, enum db_rc rc, size_t failed)
{
	const struct db_fault *f = db_last_fault(db);
	int line = failed < y->ntodo ? y->from[failed].line : 0;
	long seq = failed < y->ntodo ? y->from[failed].seq : 0;

	if (rc == DB_STALE)
		problem(y, line, seq, NULL,
		        "the record changed while the file was checked; nothing was imported, "
		        "try again");
	else if (rc == DB_DENIED)
		problem(y, line, seq, NULL, "this user may not change this record");
	else
		/* The one table's words, and its stable code for whoever
		 * reads the report: never a constraint name or SQL. */
		problem(y, line, seq, NULL, "%s (%s)", db_refusal_message(db_refusal_of(f), f),
		        db_refusal_of(f)->code);
}

/* Every way out: YI_OK (applied, or a dry run whose writes all succeeded),
 * YI_PROBLEMS (the checks or the database's rules refused the file),
 * YI_DB_ERROR (no connection), YI_BUG (a statement failed, or memory ran
 * out; logged). Only YI_OK after a run that is not dry wrote anything. */
enum yearimport_result
yearimport_run(struct db *db, const char *text, size_t len, const struct yearimport_options *opt,
               struct json_object **report)
{
	struct yi y = {.opt = opt};
	struct db_yi_apply a = {0};
	struct csv c = {0};
	char err[200];
	enum yearimport_result rc = YI_OK;
	enum db_rc drc;

	y.problems = json_object_new_array();
	y.changes = json_object_new_array();
	y.requests = json_object_new_array();
	if (csv_parse(text, len, &c, err, sizeof err) != 0) {
		problem(&y, 0, 0, NULL, "%s", err);
	} else if ((drc = db_yearimport_load(db, opt->fiscal_year, &y.cur)) != DB_OK) {
		rc = drc == DB_AWAY ? YI_DB_ERROR : YI_BUG;
	} else if ((y.seen = calloc(y.cur.n + 1, sizeof *y.seen)) == NULL ||
	           (y.todo = calloc(c.nrows + 1, sizeof *y.todo)) == NULL ||
	           (y.from = calloc(c.nrows + 1, sizeof *y.from)) == NULL) {
		log_error("import: out of memory");
		rc = YI_BUG;
	} else {
		yi_rows(&y, &c);
	}
	if (rc == YI_OK && y.failed)
		rc = YI_BUG;
	else if (rc == YI_OK && json_object_array_length(y.problems) > 0)
		rc = YI_PROBLEMS;
	if (rc == YI_OK) {
		a = (struct db_yi_apply){.fiscal_year = opt->fiscal_year,
		                         .user = opt->user_id,
		                         .dry_run = opt->dry_run,
		                         .decided = opt->decided,
		                         .changes = y.todo,
		                         .n = y.ntodo};
		drc = db_yearimport_apply(db, &a);
		if (drc == DB_REFUSED || drc == DB_STALE || drc == DB_DENIED) {
			refused(&y, db, drc, a.failed);
			rc = y.failed ? YI_BUG : YI_PROBLEMS;
		} else if (drc != DB_OK) {
			rc = drc == DB_AWAY ? YI_DB_ERROR : YI_BUG;
		}
	}
	*report = yi_report(&y, &c, rc == YI_OK && !opt->dry_run);
	free(y.seen);
	free(y.todo);
	free(y.from);
	db_yearimport_free(&y.cur);
	csv_free(&c);
	return rc;
}
