/* A year's updates from a CSV. Parse, check each row against the appendix
 * as it is now (locked), then write; the audit trigger logs each write
 * under the channel "import" and the importing user. */
#include "yearimport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "csv.h"
#include "db.h"
#include "export.h"
#include "handlers.h"
#include "valid.h"

/* Columns of the file (export order), and of the import_current statement. */
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
enum {
	K_SEQ,
	K_CODE,
	K_ACTIVITY,
	K_ID,
	K_RELISTED,
	K_STATUS,
	K_REASON,
	K_PREV,
	K_RESULT,
	K_PLAN,
	K_DEPTS,
	K_VERSION,
	K_HAS_RECORD,
	K_PENDING
};

/* Longest texts, as in the database's CHECKs. */
static const size_t text_max[EXPORT_COLUMNS] = {
    [F_REASON] = 2000, [F_RESULT] = 4000, [F_PLAN] = 4000};

struct yi {
	const struct yearimport_options *opt;
	char keys[EXPORT_COLUMNS][32], titles[EXPORT_COLUMNS][64];
	bool has_version;
	PGresult *cur; /* import_current */
	bool *seen;    /* per current row: already in the file */
	struct json_object *report, *problems, *changes, *requests;
	int nchanged;
};

static void __attribute__((format(printf, 5, 6)))
problem(struct yi *y, int line, long seq, const char *column, const char *fmt, ...)
{
	struct json_object *p = json_object_new_object();
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_object_object_add(p, "line", json_object_new_int(line));
	json_object_object_add(p, "seq", seq > 0 ? json_object_new_int64(seq) : NULL);
	json_object_object_add(p, "column", column ? json_object_new_string(column) : NULL);
	json_object_object_add(p, "message", json_object_new_string(msg));
	json_object_array_add(y->problems, p);
}

static void
change(struct yi *y, int line, long seq, const char *column, const char *before, const char *after)
{
	struct json_object *c = json_object_new_object();

	json_object_object_add(c, "line", json_object_new_int(line));
	json_object_object_add(c, "seq", json_object_new_int64(seq));
	json_object_object_add(c, "activity_id",
	                       json_object_new_int(atoi(PQgetvalue(y->cur, (int)seq - 1, K_ID))));
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

	export_header(y->opt->fiscal_year, y->keys, y->titles);
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

/* Runs one write; false (with a problem, or db_lost set) when it failed,
 * which aborts the transaction. */
static bool
write_ok(struct yi *y, struct db *db, const char *stmt, int n, const char *const *p, int line,
         long seq, bool *db_lost)
{
	PGresult *r = db_exec(db, stmt, n, p);
	const char *constraint;

	if (r == NULL) {
		*db_lost = true;
		return false;
	}
	if (db_ok(r)) {
		PQclear(r);
		return true;
	}
	constraint = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
	problem(y, line, seq, NULL, "the database refused this row (%s)",
	        constraint ? constraint : PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
	PQclear(r);
	return false;
}

/* Writes the row's changes; the checks have passed. */
static bool
apply_row(struct yi *y, struct db *db, const struct csv_row *r, long seq, const char *status,
          bool *db_lost)
{
	int k = (int)seq - 1;
	char fy[24];
	const char *id = PQgetvalue(y->cur, k, K_ID);
	const char *p[5] = {id, h_param_int(fy, true, y->opt->fiscal_year), NULL, NULL, NULL};
	static const int text_cols[3][2] = {
	    {F_REASON, K_REASON}, {F_RESULT, K_RESULT}, {F_PLAN, K_PLAN}};
	bool texts = false;
	int i;

	for (i = 0; i < 3; i++) {
		const char *before = PQgetvalue(y->cur, k, text_cols[i][1]);
		const char *after = r->fields[text_cols[i][0]];

		if (strcmp(before, after) != 0) {
			p[2 + i] = after, texts = true;
			change(y, r->line, seq, y->keys[text_cols[i][0]], before, after);
		}
	}
	if (texts && !write_ok(y, db, "import_texts", 5, p, r->line, seq, db_lost))
		return false;
	if (strcmp(status, PQgetvalue(y->cur, k, K_STATUS)) != 0) {
		struct json_object *q = json_object_new_object();
		const char *from = status_mark_of_key(PQgetvalue(y->cur, k, K_STATUS));

		json_object_object_add(q, "line", json_object_new_int(r->line));
		json_object_object_add(q, "seq", json_object_new_int64(seq));
		json_object_object_add(q, "activity_id", json_object_new_int(atoi(id)));
		json_object_object_add(q, "from", json_object_new_string(from ? from : ""));
		json_object_object_add(q, "to", json_object_new_string(r->fields[F_STATUS]));
		json_object_object_add(
		    q, "state", json_object_new_string(y->opt->decided ? "applied" : "pending"));
		json_object_array_add(y->requests, q);
		p[2] = status, p[3] = r->fields[F_REASON];
		if (!write_ok(y, db, y->opt->decided ? "import_status" : "import_request",
		              y->opt->decided ? 3 : 4, p, r->line, seq, db_lost))
			return false;
		texts = true;
	}
	y->nchanged += texts;
	return true;
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

/* The row's status key into *status ("" for none); false with a problem. */
static bool
check_status(struct yi *y, const struct csv_row *r, long seq, const char **status)
{
	const char *cur = PQgetvalue(y->cur, (int)seq - 1, K_STATUS);
	union http_qval v;

	if (r->fields[F_STATUS][0] == '\0') {
		*status = "";
		if (cur[0] == '\0')
			return true;
		problem(y, r->line, seq, y->keys[F_STATUS],
		        "the status cannot be emptied (it is %s)", status_mark_of_key(cur));
		return false;
	}
	if (valid_status(r->fields[F_STATUS], &v) != NULL) {
		problem(y, r->line, seq, y->keys[F_STATUS], "must be ◎, ○, △ or × (or empty)");
		return false;
	}
	*status = v.s;
	if (strcmp(v.s, cur) == 0)
		return true;
	if ((strcmp(v.s, "delayed") == 0 || strcmp(v.s, "not_started") == 0) &&
	    strspn(r->fields[F_REASON], " \t\n") == strlen(r->fields[F_REASON])) {
		problem(y, r->line, seq, y->keys[F_REASON], "a reason is required for △ and ×");
		return false;
	}
	if (!y->opt->decided && y->opt->user_id == 0) {
		problem(y, r->line, seq, y->keys[F_STATUS],
		        "from the command line a status change needs --decided (there is no user "
		        "to request it)");
		return false;
	}
	if (!y->opt->decided && strcmp(PQgetvalue(y->cur, (int)seq - 1, K_PENDING), "t") == 0) {
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
	int64_t n;
	int k;

	if (r->nfields != EXPORT_COLUMNS + (size_t)y->has_version) {
		problem(y, r->line, 0, NULL, "%zu columns; the header has %d", r->nfields,
		        EXPORT_COLUMNS + y->has_version);
		return false;
	}
	if (!valid_int(r->fields[F_SEQ], 1, PQntuples(y->cur), &n)) {
		problem(y, r->line, 0, y->keys[F_SEQ], "no row %s in the report of fiscal year %d",
		        r->fields[F_SEQ], y->opt->fiscal_year);
		return false;
	}
	*seq = (long)n, k = (int)n - 1;
	if (y->seen[k]) {
		problem(y, r->line, *seq, y->keys[F_SEQ], "row %ld appears twice", *seq);
		return false;
	}
	y->seen[k] = true;
	if (strcmp(r->fields[F_CODE], PQgetvalue(y->cur, k, K_CODE)) != 0 ||
	    strcmp(r->fields[F_ACTIVITY], PQgetvalue(y->cur, k, K_ACTIVITY)) != 0) {
		problem(y, r->line, *seq, y->keys[F_ACTIVITY],
		        "unknown activity: row %ld of the report is %s %s", *seq,
		        PQgetvalue(y->cur, k, K_CODE), PQgetvalue(y->cur, k, K_ACTIVITY));
		return false;
	}
	return true;
}

/* All checks of one data row; false when it has a problem. */
static bool
check_row(struct yi *y, const struct csv_row *r, long *seq, const char **status)
{
	int k, c;
	int64_t v;

	if (!check_identity(y, r, seq) || !check_texts(y, r, *seq))
		return false;
	k = (int)*seq - 1;
	if (strcmp(PQgetvalue(y->cur, k, K_RELISTED), "t") == 0) {
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
	if (strcmp(PQgetvalue(y->cur, k, K_HAS_RECORD), "t") != 0) {
		problem(y, r->line, *seq, NULL, "the activity has no record for fiscal year %d",
		        y->opt->fiscal_year);
		return false;
	}
	if (strcmp(r->fields[F_PREV], PQgetvalue(y->cur, k, K_PREV)) != 0) {
		problem(y, r->line, *seq, y->keys[F_PREV],
		        "the result of fiscal year %d is not changed by this import",
		        y->opt->fiscal_year - 1);
		return false;
	}
	if (y->has_version && (!valid_int(r->fields[EXPORT_COLUMNS], 1, INT32_MAX, &v) ||
	                       v != atoll(PQgetvalue(y->cur, k, K_VERSION)))) {
		problem(y, r->line, *seq, "version",
		        "the record changed since the export (version %s, the file has %s)",
		        PQgetvalue(y->cur, k, K_VERSION), r->fields[EXPORT_COLUMNS]);
		return false;
	}
	check_departments(y, r, *seq, PQgetvalue(y->cur, k, K_DEPTS));
	return check_status(y, r, *seq, status);
}

/* BEGIN as the importing user, lock the year, read the appendix. */
static enum yearimport_result
yi_begin(struct yi *y, struct db *db)
{
	char fy[24];
	const char *p[1] = {h_param_int(fy, true, y->opt->fiscal_year)};
	PGresult *r;

	if (db_ensure(db, app_statements) != 0 || db_begin(db, y->opt->user_id, "import") != 0)
		return YI_DB_ERROR;
	r = db_exec(db, "import_lock", 1, p);
	if (!db_ok(r)) {
		PQclear(r);
		return YI_DB_ERROR;
	}
	PQclear(r);
	y->cur = db_exec(db, "import_current", 1, p);
	return db_ok(y->cur) ? YI_OK : YI_DB_ERROR;
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

/* Checks (and writes) every row of c inside the open transaction. */
static void
yi_rows(struct yi *y, struct db *db, const struct csv *c, bool *db_lost)
{
	const char *status = "";
	size_t i;
	long seq;

	if (c->nrows == 0) {
		problem(y, 1, 0, NULL, "the file is empty");
		return;
	}
	if (!check_header(y, &c->rows[0]))
		return;
	for (i = 1; i < c->nrows && !*db_lost; i++) {
		size_t before = json_object_array_length(y->problems);

		if (check_row(y, &c->rows[i], &seq, &status) &&
		    json_object_array_length(y->problems) == before &&
		    strcmp(PQgetvalue(y->cur, (int)seq - 1, K_RELISTED), "t") != 0 &&
		    !apply_row(y, db, &c->rows[i], seq, status, db_lost))
			break; /* the transaction is aborted: later rows cannot be tried */
	}
}

enum yearimport_result
yearimport_run(struct db *db, const char *text, size_t len, const struct yearimport_options *opt,
               struct json_object **report)
{
	struct yi y = {.opt = opt};
	struct csv c = {0};
	char err[200];
	bool db_lost = false, ok;
	enum yearimport_result rc = YI_OK;

	y.problems = json_object_new_array();
	y.changes = json_object_new_array();
	y.requests = json_object_new_array();
	if (csv_parse(text, len, &c, err, sizeof err) != 0) {
		problem(&y, 0, 0, NULL, "%s", err);
	} else if ((rc = yi_begin(&y, db)) == YI_OK) {
		if ((y.seen = calloc((size_t)PQntuples(y.cur) + 1, sizeof *y.seen)) == NULL)
			rc = YI_DB_ERROR;
		else
			yi_rows(&y, db, &c, &db_lost);
	}
	ok = rc == YI_OK && !db_lost && json_object_array_length(y.problems) == 0;
	if (ok && !opt->dry_run && db_command(db, "COMMIT", 0, NULL) == 0) {
		*report = yi_report(&y, &c, true);
	} else {
		db_command(db, "ROLLBACK", 0, NULL);
		if (rc == YI_OK && db_lost)
			rc = YI_DB_ERROR;
		else if (rc == YI_OK && !ok)
			rc = YI_PROBLEMS;
		else if (rc == YI_OK && !opt->dry_run)
			rc = YI_DB_ERROR; /* the COMMIT failed */
		*report = yi_report(&y, &c, false);
	}
	free(y.seen);
	PQclear(y.cur);
	csv_free(&c);
	return rc;
}
