/* SQL of importing a fiscal year's updates from the export's CSV: the
 * appendix the file is checked against, and the writes, each guarded by
 * the version the checks read, so that a record changed in between is
 * never overwritten. */
#include "year_import.h"

#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "log.h"

/* clang-format off */
const struct db_stmt db_yearimport_stmts[] = {
    /* Locks the year's records for the length of the writes. */
    {"import_lock",
     "SELECT count(*) FROM (SELECT 1 FROM activity_year WHERE fiscal_year = $1 FOR UPDATE) x",
     1},
    /* The appendix as it is now: what every row of the file is checked
     * against. $1 fiscal year, $2 plan (NULL: the reporting plan,
     * report_plan). The columns of struct db_yi_record; a pending request
     * is one per scale (sql/015). */
    {"import_current",
     "SELECT x.seq, x.measure_code, x.activity, x.activity_id, x.relisted,"
     " coalesce(x.status, ''), x.change_reason, x.result_prev, x.result, x.plan_next,"
     " x.departments, coalesce(x.version, 0), y.activity_id IS NOT NULL,"
     " EXISTS (SELECT 1 FROM status_request r WHERE r.activity_id = x.activity_id"
     "   AND r.fiscal_year = $1 AND r.state = 'pending' AND r.scale = 1),"
     " coalesce(x.status2, ''),"
     " EXISTS (SELECT 1 FROM status_request r WHERE r.activity_id = x.activity_id"
     "   AND r.fiscal_year = $1 AND r.state = 'pending' AND r.scale = 2)"
     " FROM report_appendix($1, $2) x"
     " LEFT JOIN activity_year y ON y.activity_id = x.activity_id AND y.fiscal_year = $1"
     " ORDER BY x.seq",
     2},
    /* The levels of the plan's scales (sql/014, 015), in their order: what
     * a status cell is checked against. $1 fiscal year, $2 plan. */
    {"import_levels",
     "SELECT s.key, s.mark, s.scale, s.reason_required FROM progress_status s"
     " WHERE s.scheme_id = coalesce((SELECT scheme_id FROM plan WHERE id = report_plan($1, $2)), 1)"
     " ORDER BY s.scale, s.position",
     2},
    /* $1 activity, $2 year, $3 reason, $4 result, $5 plan (NULL =
     * unchanged), $6 the version read. */
    {"import_texts",
     "UPDATE activity_year SET change_reason = coalesce($3, change_reason),"
     " result = coalesce($4, result), plan_next = coalesce($5, plan_next),"
     " version = version + 1, updated_at = now()"
     " WHERE activity_id = $1 AND fiscal_year = $2 AND version = $6 RETURNING version",
     6},
    /* A status the admin imports as decided; $4 the version read. */
    {"import_status",
     "UPDATE activity_year SET status = $3, version = version + 1, updated_at = now()"
     " WHERE activity_id = $1 AND fiscal_year = $2 AND version = $4 RETURNING version",
     4},
    /* The same for the second scale's value (sql/015). */
    {"import_status2",
     "UPDATE activity_year SET status2 = $3, version = version + 1, updated_at = now()"
     " WHERE activity_id = $1 AND fiscal_year = $2 AND version = $4 RETURNING version",
     4},
    /* A status change that goes through approval: a pending request, $4
     * its reason, $5 the version read. The request moves the scale of its
     * key (scheme_fill, sql/015), from that scale's value. */
    {"import_request",
     "INSERT INTO status_request (activity_id, fiscal_year, from_status, to_status, reason,"
     " requested_by)"
     " SELECT activity_id, fiscal_year, CASE WHEN (SELECT s.scale FROM progress_status s"
     "   WHERE s.scheme_id = activity_year.scheme_id AND s.key = $3) = 2 THEN status2"
     "   ELSE status END, $3, $4, app_current_user() FROM activity_year"
     " WHERE activity_id = $1 AND fiscal_year = $2 AND version = $5 RETURNING id",
     5},
    /* Why a guarded write matched nothing: the record's version now (no
     * row: gone, or hidden from this user). */
    {"import_version",
     "SELECT version FROM activity_year WHERE activity_id = $1 AND fiscal_year = $2", 2},
    {NULL, NULL, 0},
};
/* clang-format on */

/* The columns of import_current. */
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
	K_PENDING,
	K_STATUS2,
	K_PENDING2,
	K_N
};

/* The columns of import_levels. */
enum { L_KEY, L_MARK, L_SCALE, L_REASON, L_N };

static bool
flag(const PGresult *r, int row, int col)
{
	return strcmp(PQgetvalue(r, row, col), "t") == 0;
}

/* The plan's levels into out->levels; out->levels_owner holds the texts. */
static enum db_rc
load_levels(struct db *db, const char *const *p, struct db_yi_current *out)
{
	struct db_yi_level *l;
	PGresult *r;
	enum db_rc rc;
	int i, n;

	if ((rc = dbi_rows(db, "import_levels", 2, p, &r)) != DB_OK)
		return rc;
	n = PQntuples(r);
	if (PQnfields(r) != L_N || (out->levels = calloc((size_t)n + 1, sizeof *l)) == NULL) {
		log_error("import: %s",
		          PQnfields(r) != L_N ? "unexpected columns" : "out of memory");
		PQclear(r);
		return DB_BUG;
	}
	for (i = 0; i < n; i++) {
		l = &out->levels[i];
		l->key = PQgetvalue(r, i, L_KEY);
		l->mark = PQgetvalue(r, i, L_MARK);
		l->scale = atoi(PQgetvalue(r, i, L_SCALE));
		l->reason_required = flag(r, i, L_REASON);
	}
	out->nlevels = (size_t)n;
	out->levels_owner = r;
	return DB_OK;
}

enum db_rc
db_yearimport_load(struct db *db, int fiscal_year, int64_t plan, struct db_yi_current *out)
{
	char fy[24], pl[24];
	const char *p[2] = {dbi_int(fy, fiscal_year), dbi_opt(pl, plan)};
	struct db_yi_record *x;
	PGresult *r;
	enum db_rc rc;
	int i, n;

	memset(out, 0, sizeof *out);
	if (db_ensure(db) != 0)
		return DB_AWAY;
	if ((rc = load_levels(db, p, out)) != DB_OK) {
		db_yearimport_free(out);
		return rc;
	}
	if ((rc = dbi_rows(db, "import_current", 2, p, &r)) != DB_OK) {
		db_yearimport_free(out);
		return rc;
	}
	n = PQntuples(r);
	if (PQnfields(r) != K_N || (out->rows = calloc((size_t)n + 1, sizeof *out->rows)) == NULL) {
		log_error("import: %s",
		          PQnfields(r) != K_N ? "unexpected columns" : "out of memory");
		PQclear(r);
		db_yearimport_free(out);
		return DB_BUG;
	}
	for (i = 0; i < n; i++) {
		x = &out->rows[i];
		x->seq = atol(PQgetvalue(r, i, K_SEQ));
		x->activity_id = atoll(PQgetvalue(r, i, K_ID));
		x->relisted = flag(r, i, K_RELISTED);
		x->has_record = flag(r, i, K_HAS_RECORD);
		x->pending = flag(r, i, K_PENDING);
		x->pending2 = flag(r, i, K_PENDING2);
		x->version = atoll(PQgetvalue(r, i, K_VERSION));
		x->measure_code = PQgetvalue(r, i, K_CODE);
		x->activity = PQgetvalue(r, i, K_ACTIVITY);
		x->status = PQgetvalue(r, i, K_STATUS);
		x->status2 = PQgetvalue(r, i, K_STATUS2);
		x->change_reason = PQgetvalue(r, i, K_REASON);
		x->result_prev = PQgetvalue(r, i, K_PREV);
		x->result = PQgetvalue(r, i, K_RESULT);
		x->plan_next = PQgetvalue(r, i, K_PLAN);
		x->departments = PQgetvalue(r, i, K_DEPTS);
	}
	out->n = (size_t)n;
	out->owner = r;
	return DB_OK;
}

void
db_yearimport_free(struct db_yi_current *c)
{
	free(c->rows);
	free(c->levels);
	PQclear(c->owner);
	PQclear(c->levels_owner);
	memset(c, 0, sizeof *c);
}

/* A guarded write (its RETURNING in column 0) for change c: DB_OK with the
 * record's new version in *version; DB_STALE when the record's version is
 * no longer the one read, DB_DENIED when it is but the row stayed out of
 * reach (row-level policy), or the write's own failure. */
static enum db_rc
guarded(struct db *db, const char *stmt, int n, const char *const *p, int64_t *version)
{
	PGresult *r;
	enum db_rc rc;
	bool same;

	if ((rc = dbi_rows(db, stmt, n, p, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 1) {
		if (strcmp(stmt, "import_request") != 0)
			*version = atoll(PQgetvalue(r, 0, 0));
		PQclear(r);
		return DB_OK;
	}
	PQclear(r);
	if ((rc = dbi_rows(db, "import_version", 2, p, &r)) != DB_OK)
		return rc;
	same = PQntuples(r) == 1 && atoll(PQgetvalue(r, 0, 0)) == *version;
	PQclear(r);
	return same ? DB_DENIED : DB_STALE;
}

/* The write of one scale's new value key: as decided, or a pending
 * request; p[0..1] are the record's, *version the one read (updated). */
static enum db_rc
status_write(struct db *db, const struct db_yi_apply *a, const struct db_yi_change *c,
             const char *key, int scale, const char **p, int64_t *version)
{
	char ver[24];

	p[2] = key;
	if (a->decided) {
		p[3] = dbi_int(ver, *version);
		return guarded(db, scale == 2 ? "import_status2" : "import_status", 4, p, version);
	}
	p[3] = c->reason, p[4] = dbi_int(ver, *version);
	return guarded(db, "import_request", 5, p, version);
}

/* The writes of one change: its texts, then its status or request, then
 * its second scale's. */
static enum db_rc
apply_change(struct db *db, const struct db_yi_apply *a, const struct db_yi_change *c)
{
	char id[24], fy[24], ver[24];
	int64_t version = c->version;
	const char *p[6] = {dbi_int(id, c->activity_id), dbi_int(fy, a->fiscal_year)};
	enum db_rc rc;

	if (c->change_reason != NULL || c->result != NULL || c->plan_next != NULL) {
		p[2] = c->change_reason, p[3] = c->result, p[4] = c->plan_next;
		p[5] = dbi_int(ver, version);
		if ((rc = guarded(db, "import_texts", 6, p, &version)) != DB_OK)
			return rc;
	}
	if (c->status != NULL && (rc = status_write(db, a, c, c->status, 1, p, &version)) != DB_OK)
		return rc;
	if (c->status2 != NULL)
		return status_write(db, a, c, c->status2, 2, p, &version);
	return DB_OK;
}

static enum db_rc
apply_tx(struct db *db, void *arg)
{
	struct db_yi_apply *a = arg;
	char fy[24];
	const char *p[1] = {dbi_int(fy, a->fiscal_year)};
	enum db_rc rc;

	a->failed = a->n;
	if ((rc = dbi_do(db, "import_lock", 1, p)) != DB_OK)
		return rc;
	for (a->failed = 0; a->failed < a->n; a->failed++)
		if ((rc = apply_change(db, a, &a->changes[a->failed])) != DB_OK)
			return rc;
	return DB_OK;
}

/* Every way out is dbi_tx's: DB_OK committed (or, dry run, rolled back
 * after every write succeeded), anything else rolled back with a->failed
 * naming the change that ended it (a->n: the lock, BEGIN or COMMIT). */
enum db_rc
db_yearimport_apply(struct db *db, struct db_yi_apply *a)
{
	enum db_rc rc;

	a->failed = a->n;
	rc = dbi_tx(db, a->user, "import", a->dry_run, apply_tx, a);
	if (rc == DB_OK)
		a->failed = a->n;
	return rc;
}
