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
#include "text.h"
#include "refusal.h"
#include "report.h"
#include "year_import.h"

/* Columns of a row as the checks read them: the export's order of a plan
 * with one scale, and the second scale's (which the export writes after
 * the first's, sql/015) at the end; to_logical puts a row in this order. */
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
	F_DEPTS,
	F_STATUS2
};

/* Longest texts, as in the database's CHECKs. */
static const size_t text_max[EXPORT_COLUMNS_MAX] = {
    [F_REASON] = 2000, [F_RESULT] = 4000, [F_PLAN] = 4000};

/* A fiscal year in the era, named by its 1 July: 2024 → 令和6年度,
 * 2019 → 令和元年度, 2018 → 平成30年度 (SQL fiscal_era() and dom.js
 * eraYear() say the same; the messages here need it without a query). */
static const char *
era_fy(int fy, char buf[32])
{
	int n = fy >= 2019 ? fy - 2018 : fy - 1988;

	if (fy < 1989)
		snprintf(buf, 32, "%d年度", fy);
	else if (n == 1)
		snprintf(buf, 32, "%s元年度", fy >= 2019 ? "令和" : "平成");
	else
		snprintf(buf, 32, "%s%d年度", fy >= 2019 ? "令和" : "平成", n);
	return buf;
}

/* Where a change came from, for the problem the database may raise. */
struct origin {
	int line;
	long seq;
};

struct yi {
	const struct yearimport_options *opt;
	/* The plan's columns: EXPORT_COLUMNS, or EXPORT_COLUMNS_MAX with a
	 * second scale; keys and titles in the checks' order (F_*). */
	size_t ncols;
	char keys[EXPORT_COLUMNS_MAX][32];
	/* The Japanese titles, as the export's header prints them (its
	 * report_export: the plan's terms, 令和6年度 取組結果); the messages name
	 * columns by them, and the problems' "column" by the key. */
	char titles[EXPORT_COLUMNS_MAX][64];
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

/* Where column c (F_*) stands in the file: the second scale's right after
 * the first's, the columns after it one further on. */
static size_t
file_column(const struct yi *y, size_t c)
{
	if (y->ncols == EXPORT_COLUMNS || c <= F_STATUS)
		return c;
	return c == F_STATUS2 ? F_STATUS + 1 : c + 1;
}

/* The row's cells in the checks' order (F_*), in place; a version cell
 * stays last. */
static void
to_logical(const struct yi *y, const struct csv_row *r)
{
	char *cells[EXPORT_COLUMNS_MAX];
	size_t c;

	if (y->ncols == EXPORT_COLUMNS || r->nfields < y->ncols)
		return;
	for (c = 0; c < y->ncols; c++)
		cells[c] = r->fields[file_column(y, c)];
	memcpy(r->fields, cells, y->ncols * sizeof *cells);
}

/* The columns of the plan's files: the export's header (its titles, the
 * plan's terms) and the keys (seq, …, status2). false without a row to
 * report (a problem) or when the database failed (*rc). */
static bool
plan_columns(struct yi *y, struct db *db, enum yearimport_result *rc)
{
	struct db_export e;
	enum db_rc drc = db_report_export(db, y->opt->fiscal_year, y->opt->plan, &e);
	char era[32];
	size_t c;

	if (drc == DB_MISSING) {
		problem(y, 0, 0, NULL, "%sには報告する計画がありません。",
		        era_fy(y->opt->fiscal_year, era));
		return false;
	}
	if (drc != DB_OK) {
		*rc = drc == DB_AWAY ? YI_DB_ERROR : YI_BUG;
		return false;
	}
	y->ncols = e.ncols;
	export_header(y->opt->fiscal_year, y->keys); /* the first EXPORT_COLUMNS */
	snprintf(y->keys[F_STATUS2], sizeof y->keys[F_STATUS2], "status2");
	for (c = 0; c < y->ncols; c++)
		snprintf(y->titles[c], sizeof y->titles[c], "%s", e.titles[file_column(y, c)]);
	db_export_free(&e);
	return true;
}

/* The header must be the export's: each column by its Japanese title (as
 * the export writes it now) or by its key (files exported before),
 * optionally with a version column (版, or version). */
static bool
check_header(struct yi *y, const struct csv_row *h)
{
	size_t c, at;

	y->has_version =
	    h->nfields == y->ncols + 1 &&
	    (strcmp(h->fields[y->ncols], "version") == 0 || strcmp(h->fields[y->ncols], "版") == 0);
	/* In the file's order, so that the first wrong column is named. */
	for (at = 0; at < y->ncols; at++) {
		for (c = 0; file_column(y, c) != at; c++)
			;
		if (at >= h->nfields || (strcmp(h->fields[at], y->titles[c]) != 0 &&
		                         strcmp(h->fields[at], y->keys[c]) != 0)) {
			problem(
			    y, h->line, 0, y->keys[c],
			    "見出し行の%zu列目は「%s」にしてください（書き出したファイルの見出し行"
			    "のとおりに）。",
			    at + 1, y->titles[c]);
			return false;
		}
	}
	if (h->nfields != y->ncols + (y->has_version ? 1 : 0)) {
		problem(y, h->line, 0, NULL, "見出し行が%zu列あります。%zu列にしてください。",
		        h->nfields, y->ncols);
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
			        "「%.*s」はこの取組の所管課ではありません（所管課：%s）。", (int)n,
			        p, responsible);
		if (end == NULL)
			break;
	}
}

/* The level of the plan's scale sc whose key or mark is s, or NULL. */
static const struct db_yi_level *
level_of(const struct yi *y, int sc, const char *s)
{
	size_t i;

	for (i = 0; i < y->cur.nlevels; i++)
		if (y->cur.levels[i].scale == sc &&
		    (strcmp(y->cur.levels[i].key, s) == 0 || strcmp(y->cur.levels[i].mark, s) == 0))
			return &y->cur.levels[i];
	return NULL;
}

/* "◎、○、△、×": the marks of scale sc, for the messages. */
static void
marks_of(const struct yi *y, int sc, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < y->cur.nlevels && n < len; i++)
		if (y->cur.levels[i].scale == sc)
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n > 0 ? "、" : "",
			                      y->cur.levels[i].mark);
}

/* A status change of scale sc (its column col) for the report. */
static void
status_change(struct yi *y, const struct csv_row *r, long seq, int sc, const char *was,
              const char *to)
{
	const struct db_yi_level *lv = level_of(y, sc, was);
	struct json_object *q = json_object_new_object();
	int col = sc == 2 ? F_STATUS2 : F_STATUS;

	json_object_object_add(q, "line", json_object_new_int(r->line));
	json_object_object_add(q, "seq", json_object_new_int64(seq));
	json_object_object_add(q, "activity_id",
	                       json_object_new_int64(current(y, seq)->activity_id));
	json_object_object_add(q, "column", json_object_new_string(y->keys[col]));
	json_object_object_add(q, "from", json_object_new_string(lv ? lv->mark : ""));
	json_object_object_add(q, "to", json_object_new_string(to));
	json_object_object_add(q, "reason", json_object_new_string(r->fields[F_REASON]));
	json_object_object_add(q, "state",
	                       json_object_new_string(y->opt->decided ? "applied" : "pending"));
	json_object_array_add(y->requests, q);
}

/* The row's changes, checked, as one entry of y->todo (none when the row
 * is as the record is); the report lists them. status and status2 are
 * the keys the row sets (status2 NULL for a plan of one scale). */
static void
plan_row(struct yi *y, const struct csv_row *r, long seq, const char *status, const char *status2)
{
	const struct db_yi_record *k = current(y, seq);
	struct db_yi_change *c = &y->todo[y->ntodo];
	struct origin *o = &y->from[y->ntodo];
	const char *before[3] = {k->change_reason, k->result, k->plan_next};
	const char **after[3] = {&c->change_reason, &c->result, &c->plan_next};
	static const int cols[3] = {F_REASON, F_RESULT, F_PLAN};
	bool changed = false;
	bool moves = strcmp(status, k->status) != 0;
	bool moves2 = status2 != NULL && strcmp(status2, k->status2) != 0;
	/* A status change that waits for approval carries the row's reason
	 * with its request; the record keeps its own until the approval sets
	 * both (a ○ never shows a delay's reason). */
	bool requested = (moves || moves2) && !y->opt->decided;
	int i;

	memset(c, 0, sizeof *c);
	c->activity_id = k->activity_id;
	c->version = k->version;
	o->line = r->line, o->seq = seq;
	for (i = requested ? 1 : 0; i < 3; i++)
		if (strcmp(before[i], r->fields[cols[i]]) != 0) {
			*after[i] = r->fields[cols[i]], changed = true;
			change(y, r->line, seq, y->keys[cols[i]], before[i], r->fields[cols[i]]);
		}
	/* The keys live in y->cur.levels until the writes are done. */
	if (moves) {
		status_change(y, r, seq, 1, k->status, r->fields[F_STATUS]);
		c->status = status;
		c->reason = r->fields[F_REASON];
		changed = true;
	}
	if (moves2) {
		status_change(y, r, seq, 2, k->status2, r->fields[F_STATUS2]);
		c->status2 = status2;
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

	for (c = F_MEASURE; c < (int)y->ncols; c++) {
		const char *s = r->fields[c];
		bool multiline = text_max[c] > 0;

		if (!valid_utf8_text(s, strlen(s), multiline)) {
			problem(y, r->line, seq, y->keys[c], "%sに使えない文字があります%s。",
			        y->titles[c],
			        multiline ? "（改行以外の制御文字、または UTF-8 でない文字）"
			                  : "（改行・制御文字、または UTF-8 でない文字）");
			ok = false;
		} else if (text_max[c] > 0 && utf8_length(s) > text_max[c]) {
			problem(y, r->line, seq, y->keys[c],
			        "%sが長すぎます（%zu文字。%zu文字まで）。", y->titles[c],
			        utf8_length(s), text_max[c]);
			ok = false;
		}
	}
	return ok;
}

/* The row's key of scale sc (its column col) into *status ("" for none);
 * false with a problem. The levels, their marks and which of them need a
 * reason are the plan's scale's (progress_status, sql/014 and 015);
 * "blank" is text_blank's. */
static bool
check_scale(struct yi *y, const struct csv_row *r, long seq, int sc, const char **status)
{
	const struct db_yi_record *k = current(y, seq);
	int col = sc == 2 ? F_STATUS2 : F_STATUS;
	const char *now = sc == 2 ? k->status2 : k->status, *name = y->titles[col];
	const struct db_yi_level *lv, *was;
	char marks[512];

	if (r->fields[col][0] == '\0') {
		*status = "";
		if (now[0] == '\0')
			return true;
		was = level_of(y, sc, now);
		problem(y, r->line, seq, y->keys[col], "%sは空欄にできません（現在は%s）。", name,
		        was ? was->mark : now);
		return false;
	}
	if ((lv = level_of(y, sc, r->fields[col])) == NULL) {
		marks_of(y, sc, marks, sizeof marks);
		problem(y, r->line, seq, y->keys[col],
		        "%sは %s のいずれかにしてください（「%s」は使えません）。", name, marks,
		        r->fields[col]);
		return false;
	}
	*status = lv->key;
	if (strcmp(lv->key, now) == 0)
		return true;
	if (lv->reason_required && text_blank(r->fields[F_REASON])) {
		problem(y, r->line, seq, y->keys[F_REASON],
		        "%sを%sにするときは、%sを入力してください。", name, lv->mark,
		        y->titles[F_REASON]);
		return false;
	}
	if (!y->opt->decided && y->opt->user_id == 0) {
		problem(y, r->line, seq, y->keys[col],
		        "コマンドラインから%sを変えるには --decided が必要です（申請する"
		        "利用者がいないため）。",
		        name);
		return false;
	}
	if (!y->opt->decided && (sc == 2 ? k->pending2 : k->pending)) {
		problem(y, r->line, seq, y->keys[col],
		        "この取組には、すでに承認待ちの%sの申請があります。承認または差戻し"
		        "の後に取り込んでください。",
		        name);
		return false;
	}
	return true;
}

/* The row is the report's row seq, unchanged where it must be. */
static bool
check_identity(struct yi *y, const struct csv_row *r, long *seq)
{
	const struct db_yi_record *k;
	char era[32];
	int64_t n;

	if (r->nfields != y->ncols + (size_t)y->has_version) {
		problem(y, r->line, 0, NULL,
		        "この行は%zu列あります。見出し行と同じ%zu列にしてください。", r->nfields,
		        y->ncols + (size_t)y->has_version);
		return false;
	}
	if (!valid_int(r->fields[F_SEQ], 1, (int64_t)y->cur.n, &n)) {
		problem(y, r->line, 0, y->keys[F_SEQ], "%sの報告に、番号「%s」の行はありません。",
		        era_fy(y->opt->fiscal_year, era), r->fields[F_SEQ]);
		return false;
	}
	*seq = (long)n, k = current(y, *seq);
	if (y->seen[n - 1]) {
		problem(y, r->line, *seq, y->keys[F_SEQ], "番号%ldの行が二度あります。", *seq);
		return false;
	}
	y->seen[n - 1] = true;
	if (strcmp(r->fields[F_CODE], k->measure_code) != 0 ||
	    strcmp(r->fields[F_ACTIVITY], k->activity) != 0) {
		problem(y, r->line, *seq, y->keys[F_ACTIVITY],
		        "取組が報告と違います（報告の番号%ldの行は %s「%s」です）。", *seq,
		        k->measure_code, k->activity);
		return false;
	}
	return true;
}

/* All checks of one data row; false when it has a problem. status2 is
 * NULL for a plan of one scale. */
static bool
check_row(struct yi *y, const struct csv_row *r, long *seq, const char **status,
          const char **status2)
{
	const struct db_yi_record *k;
	char era[32];
	int64_t v;
	int c;

	if (!check_identity(y, r, seq) || !check_texts(y, r, *seq))
		return false;
	k = current(y, *seq);
	if (k->relisted) {
		for (c = F_STATUS; c < (int)y->ncols; c++)
			if (c != F_DEPTS && r->fields[c][0] != '\0') {
				problem(y, r->line, *seq, y->keys[c],
				        "再掲の行には%s・取組結果・取組予定を書きません（もとの行"
				        "に書いてください）。",
				        y->titles[c == F_STATUS2 ? F_STATUS2 : F_STATUS]);
				return false;
			}
		return true;
	}
	if (!k->has_record) {
		problem(y, r->line, *seq, NULL, "この取組には%sの記録がありません。",
		        era_fy(y->opt->fiscal_year, era));
		return false;
	}
	if (strcmp(r->fields[F_PREV], k->result_prev) != 0) {
		problem(y, r->line, *seq, y->keys[F_PREV],
		        "%sの取組結果は、この取込では変更できません。",
		        era_fy(y->opt->fiscal_year - 1, era));
		return false;
	}
	if (y->has_version &&
	    (!valid_int(r->fields[y->ncols], 1, INT32_MAX, &v) || v != k->version)) {
		problem(y, r->line, *seq, "version",
		        "書き出した後に、この記録が変更されています（現在の版は%lld、ファイルは"
		        "「%s」）。もう一度書き出してから編集してください。",
		        (long long)k->version, r->fields[y->ncols]);
		return false;
	}
	check_departments(y, r, *seq, k->departments);
	*status2 = NULL;
	return check_scale(y, r, *seq, 1, status) &&
	       (y->ncols == EXPORT_COLUMNS || check_scale(y, r, *seq, 2, status2));
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
	const char *status = "", *status2 = NULL;
	size_t i, before;
	long seq;

	if (c->nrows == 0) {
		problem(y, 1, 0, NULL, "ファイルが空です。");
		return;
	}
	if (!check_header(y, &c->rows[0]))
		return;
	for (i = 1; i < c->nrows; i++)
		to_logical(y, &c->rows[i]);
	for (i = 1; i < c->nrows && !y->failed; i++) {
		/* The export's apostrophe before a cell that could start a
		 * formula is not part of the text: off again, so an export comes
		 * back exactly as it went out (export_cell_restore). */
		for (size_t f = 0; f < c->rows[i].nfields; f++)
			export_cell_restore(c->rows[i].fields[f]);
		before = json_object_array_length(y->problems);
		if (check_row(y, &c->rows[i], &seq, &status, &status2) &&
		    json_object_array_length(y->problems) == before && !current(y, seq)->relisted)
			plan_row(y, &c->rows[i], seq, status, status2);
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
		        "確認している間に、この記録が変更されました。何も取り込んでいません。もう"
		        "一度お試しください。");
	else if (rc == DB_DENIED)
		problem(y, line, seq, NULL, "この記録を変更する権限がありません。");
	else
		/* The one table's words: never a constraint name or SQL. */
		problem(y, line, seq, NULL, "%s", db_refusal_message(db_refusal_of(f), f));
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
	} else if ((drc = db_yearimport_load(db, opt->fiscal_year, opt->plan, &y.cur)) != DB_OK) {
		rc = drc == DB_AWAY ? YI_DB_ERROR : YI_BUG;
	} else if (!plan_columns(&y, db, &rc)) {
		/* a problem, or rc says the database failed */
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
