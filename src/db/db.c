/* The process's PostgreSQL connection. Connection loss is expected (the
 * server restarts, a failover happens): a broken handle is reset at the next
 * db_ensure, and every statement is prepared again and the time limits set
 * again because PQreset drops both. While the server is away callers get
 * DB_AWAY and answer 503. */
#include "db_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "scale.h"

struct db {
	char *conninfo;
	PGconn *conn;
	bool prepared;    /* statements exist on this connection */
	bool limited;     /* the time limits are set on this connection */
	bool away_logged; /* log "database away" once per outage */
	struct db_limits limits;
	struct db_fault fault;
	struct dbi_version version; /* the data version (version.c) */
	long reconnects;            /* successful reconnects after a break */
};

struct db *
db_new(const char *conninfo)
{
	struct db *db = calloc(1, sizeof *db);

	if (db == NULL)
		return NULL;
	if ((db->conninfo = strdup(conninfo)) == NULL) {
		free(db);
		return NULL;
	}
	return db;
}

void
db_free(struct db *db)
{
	if (db == NULL)
		return;
	scale_set_reload(NULL, NULL);
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
}

void
db_set_limits(struct db *db, const struct db_limits *limits)
{
	db->limits = *limits;
	db->limited = false;
}

PGconn *
dbi_conn(struct db *db)
{
	return db->conn;
}

const struct db_fault *
db_last_fault(const struct db *db)
{
	return &db->fault;
}

static bool
result_ok(const PGresult *r)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

static int
prepare_set(struct db *db, const struct db_stmt *stmts)
{
	PGresult *r;

	for (; stmts->name != NULL; stmts++) {
		r = PQprepare(db->conn, stmts->name, stmts->sql, stmts->nparams, NULL);
		if (!result_ok(r)) {
			/* A statement that does not prepare is a bug, not an outage. */
			log_error("prepare %s: %s", stmts->name, PQerrorMessage(db->conn));
			PQclear(r);
			return -1;
		}
		PQclear(r);
	}
	return 0;
}

/* The scales are read at every connect, so a changed table reaches the
 * workers at their next reconnect or reload, and when a look-up misses (a
 * scheme defined since, sql/014): see reload_scale. The default scheme
 * (Nakano's, 1) comes first. */
static int reload_scale(void *ctx);

static int
load_scale(struct db *db)
{
	struct scale_level levels[SCALE_MAX];
	PGresult *r = PQexec(
	    db->conn, "SELECT key, mark, reason_required, scheme_id, scale FROM progress_status"
	              " ORDER BY scheme_id <> 1, scheme_id, scale, position");
	int i, n;

	if (!result_ok(r) || (n = PQntuples(r)) == 0) {
		log_error("progress_status: %s", r ? PQresultErrorMessage(r) : "no result");
		PQclear(r);
		return -1;
	}
	if (n > SCALE_MAX) {
		log_error("progress_status: %d levels, only the first %d are known", n, SCALE_MAX);
		n = SCALE_MAX;
	}
	for (i = 0; i < n; i++) {
		snprintf(levels[i].key, sizeof levels[i].key, "%s", PQgetvalue(r, i, 0));
		snprintf(levels[i].mark, sizeof levels[i].mark, "%s", PQgetvalue(r, i, 1));
		levels[i].reason_required = strcmp(PQgetvalue(r, i, 2), "t") == 0;
		levels[i].scheme = atoi(PQgetvalue(r, i, 3));
		levels[i].scale = atoi(PQgetvalue(r, i, 4));
	}
	scale_set(levels, (size_t)n);
	scale_set_reload(reload_scale, db);
	PQclear(r);
	return 0;
}

/* A look-up missed: read the scales again, when connected and outside a
 * failed transaction. */
static int
reload_scale(void *ctx)
{
	struct db *db = ctx;

	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK ||
	    PQtransactionStatus(db->conn) == PQTRANS_INERROR ||
	    PQtransactionStatus(db->conn) == PQTRANS_ACTIVE)
		return -1;
	return load_scale(db);
}

static int
prepare_all(struct db *db)
{
	const struct db_stmt *const *set;

	/* A set that failed halfway left some statements behind: start clean. */
	PQclear(PQexec(db->conn, "DEALLOCATE ALL"));
	for (set = db_statements; *set != NULL; set++)
		if (prepare_set(db, *set) != 0)
			return -1;
	return load_scale(db);
}

/* Session settings, so they hold for every statement of the session
 * whatever its SQL; a reconnect starts a new session, which is why
 * db_connect_only sets them again. 0 (a limit of 0 is none), or -1. */
static int
set_limits(struct db *db)
{
	char v[3][24];
	const char *p[3] = {dbi_int(v[0], db->limits.statement_ms),
	                    dbi_int(v[1], db->limits.lock_ms),
	                    dbi_int(v[2], db->limits.idle_tx_ms)};
	PGresult *r;
	int rc;

	if (db->limits.statement_ms == 0 && db->limits.lock_ms == 0 && db->limits.idle_tx_ms == 0)
		return 0;
	r = PQexecParams(db->conn,
	                 "SELECT set_config('statement_timeout', $1, false),"
	                 " set_config('lock_timeout', $2, false),"
	                 " set_config('idle_in_transaction_session_timeout', $3, false)",
	                 3, NULL, p, NULL, NULL, 0);
	if ((rc = result_ok(r) ? 0 : -1) != 0)
		log_error("time limits not set: %s", PQerrorMessage(db->conn));
	PQclear(r);
	return rc;
}

int
db_connect_only(struct db *db)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		if (db->conn == NULL)
			db->conn = PQconnectdb(db->conninfo);
		else
			PQreset(db->conn);
		db->prepared = false;
		db->limited = false;
		if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
			if (!db->away_logged)
				log_error("database unavailable: %s",
				          db->conn ? PQerrorMessage(db->conn) : "out of memory");
			db->away_logged = true;
			return -1;
		}
		if (db->away_logged)
			log_info("database connection restored");
		if (db->version.connected_once)
			db->reconnects++;
		db->version.connected_once = true;
		db->version.listening = false;
		db->away_logged = false;
	}
	/* A session without its limits is not used: a request could then
	 * outlast nginx and commit after the client was told it failed. */
	if (!db->limited) {
		if (set_limits(db) != 0)
			return -1;
		db->limited = true;
	}
	return 0;
}

int
db_ensure(struct db *db)
{
	if (db_connect_only(db) != 0)
		return -1;
	if (!db->prepared) {
		if (prepare_all(db) != 0)
			return -1;
		db->prepared = true;
	}
	if (!db->version.listening)
		dbi_version_listen(db);
	return 0;
}

struct dbi_version *
dbi_version_of(struct db *db)
{
	return &db->version;
}

long
db_reconnects(const struct db *db)
{
	return db->reconnects;
}

/* A NULL result or a bad connection after the call means the server went
 * away mid-statement: report it as NULL so callers answer 503. */
static PGresult *
checked(struct db *db, PGresult *r)
{
	if (r == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		if (r != NULL) {
			log_error("database connection lost: %s", PQerrorMessage(db->conn));
			PQclear(r);
		}
		db->prepared = false;
		return NULL;
	}
	return r;
}

PGresult *
dbi_exec(struct db *db, const char *stmt, int n, const char *const *params)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return NULL;
	return checked(db, PQexecPrepared(db->conn, stmt, n, params, NULL, NULL, 0));
}

PGresult *
dbi_sql(struct db *db, const char *sql, int n, const char *const *params)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return NULL;
	return checked(db, PQexecParams(db->conn, sql, n, NULL, params, NULL, NULL, 0));
}

static void
copy_field(char *dst, size_t size, const PGresult *r, int code)
{
	const char *v = PQresultErrorField(r, code);

	snprintf(dst, size, "%s", v ? v : "");
}

enum db_rc
dbi_rc(struct db *db, const PGresult *r)
{
	const char *state;

	memset(&db->fault, 0, sizeof db->fault);
	if (r == NULL)
		return DB_AWAY;
	if (result_ok(r))
		return DB_OK;
	copy_field(db->fault.sqlstate, sizeof db->fault.sqlstate, r, PG_DIAG_SQLSTATE);
	copy_field(db->fault.constraint, sizeof db->fault.constraint, r, PG_DIAG_CONSTRAINT_NAME);
	copy_field(db->fault.message, sizeof db->fault.message, r, PG_DIAG_MESSAGE_PRIMARY);
	state = db->fault.sqlstate;
	/* Class 23 (integrity), 42501 (privilege: policies, our guards), our
	 * own class SH (SHLCK a locked year, SHDRF a plan that is no draft,
	 * …: each has its row in db/refusal.c), 57014/55P03 (statement and lock timeouts),
	 * 40001/40P01 (serialization, deadlock): the rules or the load said
	 * no. Anything else is a bug in a statement. */
	if (strncmp(state, "23", 2) == 0 || strcmp(state, "42501") == 0 ||
	    strncmp(state, "SH", 2) == 0 || strcmp(state, "57014") == 0 ||
	    strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strcmp(state, "25P03") == 0)
		return DB_REFUSED;
	log_error("query failed: %s", PQresultErrorMessage(r));
	return DB_BUG;
}

enum db_rc
dbi_strdup(const char *s, char **out)
{
	if ((*out = strdup(s)) == NULL) {
		log_error("out of memory");
		return DB_BUG;
	}
	return DB_OK;
}

static enum db_rc
json_cell(const PGresult *r, char **json)
{
	if (PQntuples(r) == 0 || PQgetisnull(r, 0, 0))
		return DB_MISSING;
	return dbi_strdup(PQgetvalue(r, 0, 0), json);
}

/* stmt, and once more on a fresh connection when the one it ran on had
 * broken since the last request (the server restarted): only for a
 * statement that may run twice, outside a transaction (a lost one is
 * gone with its connection, so running the rest alone would be wrong). */
static PGresult *
exec_repeatable(struct db *db, const char *stmt, int n, const char *const *params)
{
	PGresult *r = NULL;

	if (db_ensure(db) == 0 && (r = dbi_exec(db, stmt, n, params)) == NULL &&
	    !db_in_transaction(db) && db_ensure(db) == 0)
		r = dbi_exec(db, stmt, n, params);
	return r;
}

enum db_rc
dbi_json(struct db *db, const char *stmt, int n, const char *const *params, char **json)
{
	PGresult *r = exec_repeatable(db, stmt, n, params);
	enum db_rc rc;

	*json = NULL;
	if ((rc = dbi_rc(db, r)) == DB_OK)
		rc = json_cell(r, json);
	PQclear(r);
	return rc;
}

/* The result r as dbi_rows hands it out. */
static enum db_rc
rows_of(struct db *db, PGresult *r, PGresult **out)
{
	enum db_rc rc = dbi_rc(db, r);

	*out = NULL;
	if (rc == DB_OK)
		*out = r;
	else
		PQclear(r);
	return rc;
}

enum db_rc
dbi_rows(struct db *db, const char *stmt, int n, const char *const *params, PGresult **out)
{
	return rows_of(db, dbi_exec(db, stmt, n, params), out);
}

enum db_rc
dbi_rows_repeatable(struct db *db, const char *stmt, int n, const char *const *params,
                    PGresult **out)
{
	return rows_of(db, exec_repeatable(db, stmt, n, params), out);
}

enum db_rc
dbi_json_version(struct db *db, const char *stmt, int n, const char *const *params, char **json,
                 int64_t *version)
{
	PGresult *r;
	enum db_rc rc;

	*json = NULL;
	if ((rc = dbi_rows(db, stmt, n, params, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0))
		rc = DB_MISSING;
	else if ((rc = dbi_strdup(PQgetvalue(r, 0, 0), json)) == DB_OK)
		*version = atoll(PQgetvalue(r, 0, 1));
	PQclear(r);
	return rc;
}

enum db_rc
dbi_may(struct db *db, const char *stmt, int n, const char *const *params)
{
	PGresult *r;
	enum db_rc rc;

	if ((rc = dbi_rows(db, stmt, n, params, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 0)
		rc = DB_MISSING;
	else if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
		rc = DB_DENIED;
	PQclear(r);
	return rc;
}

enum db_rc
dbi_count(struct db *db, const char *stmt, int n, const char *const *params, int *rows)
{
	PGresult *r;
	enum db_rc rc;

	*rows = 0;
	if ((rc = dbi_rows(db, stmt, n, params, &r)) != DB_OK)
		return rc;
	*rows = PQntuples(r) > 0 ? PQntuples(r) : atoi(PQcmdTuples(r));
	PQclear(r);
	return DB_OK;
}

enum db_rc
dbi_table(struct db *db, const char *stmt, int n, const char *const *params, size_t ncols,
          const char **titles, const char ***cells, size_t *nrows, PGresult **out)
{
	PGresult *r;
	enum db_rc rc;
	size_t i, c, rows;

	*cells = NULL, *nrows = 0, *out = NULL;
	if (db_ensure(db) != 0)
		return DB_AWAY;
	if ((rc = dbi_rows(db, stmt, n, params, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) < 1 || (size_t)PQnfields(r) < ncols + 1) {
		rc = PQntuples(r) < 1 ? DB_MISSING : DB_BUG;
		if (rc == DB_BUG)
			log_error("%s: %d columns, not %zu", stmt, PQnfields(r), ncols + 1);
		PQclear(r);
		return rc;
	}
	rows = (size_t)PQntuples(r) - 1;
	if (rows > 0 && (*cells = calloc(rows * ncols, sizeof **cells)) == NULL) {
		PQclear(r);
		log_error("out of memory");
		return DB_BUG;
	}
	for (c = 0; c < ncols; c++)
		titles[c] = PQgetvalue(r, 0, (int)c + 1);
	for (i = 0; i < rows; i++)
		for (c = 0; c < ncols; c++)
			(*cells)[i * ncols + c] = PQgetvalue(r, (int)i + 1, (int)c + 1);
	*nrows = rows;
	*out = r;
	return DB_OK;
}

enum db_rc
dbi_settle(enum db_rc rc, char **json)
{
	if (rc != DB_OK && rc != DB_STALE) {
		free(*json);
		*json = NULL;
	}
	return rc;
}

enum db_rc
dbi_do(struct db *db, const char *stmt, int n, const char *const *params)
{
	PGresult *r = dbi_exec(db, stmt, n, params);
	enum db_rc rc = dbi_rc(db, r);

	PQclear(r);
	return rc;
}

bool
db_in_transaction(const struct db *db)
{
	PGTransactionStatusType st;

	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return false;
	st = PQtransactionStatus(db->conn);
	return st == PQTRANS_INTRANS || st == PQTRANS_INERROR || st == PQTRANS_ACTIVE;
}

void
db_abandon(struct db *db)
{
	/* Harmless when the connection is gone: the server rolls back. */
	if (db_in_transaction(db))
		PQclear(dbi_sql(db, "ROLLBACK", 0, NULL));
}

const char *
dbi_int(char buf[24], int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

const char *
dbi_opt(char buf[24], int64_t v)
{
	return v == 0 ? NULL : dbi_int(buf, v);
}

enum db_rc
dbi_run(struct db *db, const char *sql, int n, const char *const *params)
{
	PGresult *r = dbi_sql(db, sql, n, params);
	enum db_rc rc = dbi_rc(db, r);

	PQclear(r);
	return rc;
}

/* The connection as dbi_tx (prepared) or dbi_tx_unprepared needs it. */
static int
reconnect(struct db *db, bool prepared)
{
	return prepared ? db_ensure(db) : db_connect_only(db);
}

static enum db_rc
tx_begin(struct db *db, bool prepared, int user, const char *channel)
{
	char id[24] = "";
	const char *p[2] = {id, channel};
	PGresult *r;
	enum db_rc rc;

	if (user > 0)
		dbi_int(id, user);
	/* A BEGIN that met a connection broken since the last request (the
	 * server restarted) opened nothing: it is run again on a fresh one,
	 * so the first write after a restart does not fail. */
	if ((r = dbi_sql(db, "BEGIN", 0, NULL)) == NULL && reconnect(db, prepared) == 0)
		r = dbi_sql(db, "BEGIN", 0, NULL);
	rc = dbi_rc(db, r);
	PQclear(r);
	if (rc != DB_OK)
		return rc;
	return dbi_run(db,
	               "SELECT set_config('app.user_id', $1, true),"
	               " set_config('app.channel', $2, true)",
	               2, p);
}

/* Records a fault of our own making (no server result carries it). */
static enum db_rc
fault(struct db *db, const char *sqlstate, const char *message)
{
	memset(&db->fault, 0, sizeof db->fault);
	snprintf(db->fault.sqlstate, sizeof db->fault.sqlstate, "%s", sqlstate);
	snprintf(db->fault.message, sizeof db->fault.message, "%s", message);
	return DB_REFUSED;
}

static long long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000LL + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* BEGIN, fn, COMMIT on a connection that is up; see dbi_tx. Returns fn's
 * failure (rolled back), a failed BEGIN or COMMIT, DB_REFUSED 57014 when
 * the whole took longer than the statement limit (rolled back: nginx or
 * the client may have given up), DB_REFUSED 08007 when COMMIT was sent
 * and no answer came, or DB_OK (committed; dry run: rolled back). */
static enum db_rc
tx_run(struct db *db, bool prepared, int user, const char *channel, bool dry_run,
       enum db_rc (*fn)(struct db *db, void *arg), void *arg)
{
	struct db_fault saved;
	struct timespec t0;
	PGresult *r;
	enum db_rc rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = tx_begin(db, prepared, user, channel)) == DB_OK)
		rc = fn(db, arg);
	/* Each statement has the limit; this bounds the transaction too, so
	 * that many statements just under it cannot add up past nginx. */
	if (rc == DB_OK && !dry_run && db->limits.statement_ms > 0 &&
	    ms_since(&t0) > db->limits.statement_ms)
		rc = fault(db, "57014", "the transaction took longer than statement_timeout");
	if (rc != DB_OK || dry_run) {
		/* Keep the fault that ended it, not ROLLBACK's. */
		saved = db->fault;
		db_abandon(db);
		db->fault = saved;
		return rc;
	}
	/* fn's last statement answered, so the connection was up: no answer
	 * to COMMIT means the server may have committed before it went away.
	 * That is not a failure to report, only an outcome to check. */
	if ((r = dbi_sql(db, "COMMIT", 0, NULL)) == NULL) {
		log_error("COMMIT sent, no answer: the transaction may or may not have committed");
		return fault(db, "08007", "the connection broke during COMMIT");
	}
	rc = dbi_rc(db, r);
	/* COMMIT of a failed transaction "succeeds" as ROLLBACK. */
	if (rc == DB_OK && strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
		rc = DB_BUG;
	PQclear(r);
	db_abandon(db);
	return rc;
}

enum db_rc
dbi_tx(struct db *db, int user, const char *channel, bool dry_run,
       enum db_rc (*fn)(struct db *db, void *arg), void *arg)
{
	if (db_ensure(db) != 0)
		return DB_AWAY;
	return tx_run(db, true, user, channel, dry_run, fn, arg);
}

enum db_rc
dbi_tx_unprepared(struct db *db, enum db_rc (*fn)(struct db *db, void *arg), void *arg)
{
	if (db_connect_only(db) != 0)
		return DB_AWAY;
	return tx_run(db, false, 0, "cli", false, fn, arg);
}

const char *
db_statement_sql(const char *name)
{
	const struct db_stmt *const *set, *st;

	for (set = db_statements; *set != NULL; set++)
		for (st = *set; st->name != NULL; st++)
			if (strcmp(st->name, name) == 0)
				return st->sql;
	return NULL;
}
