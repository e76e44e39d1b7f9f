/* Inside the db layer only: libpq, the statement registry and the helpers
 * the resource files share. Nothing outside src/db includes this (its
 * include directory is private to the shinchoku_db target). */
#ifndef SHINCHOKU_DB_INT_H
#define SHINCHOKU_DB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "db.h"

/* A named statement: its SQL lives in the db/<resource>.c it belongs to. */
struct db_stmt {
	const char *name;
	const char *sql;
	int nparams;
};

/* Every statement the server prepares, by resource (NULL-terminated). */
extern const struct db_stmt *const db_statements[];

/* Formats v for libpq into buf; returns buf. */
const char *dbi_int(char buf[24], int64_t v);
/* NULL when v is 0 (an absent optional id), else dbi_int. */
const char *dbi_opt(char buf[24], int64_t v);

/* Runs a prepared statement (or, when sql is true, SQL text). Returns the
 * result, NULL when the connection is gone. An error result is returned
 * as is; dbi_rc classifies it. */
PGresult *dbi_exec(struct db *db, const char *stmt, int n, const char *const *params);
PGresult *dbi_sql(struct db *db, const char *sql, int n, const char *const *params);

/* The outcome of result r (NULL: DB_AWAY), recording the fault of an
 * error. PQclears nothing. */
enum db_rc dbi_rc(struct db *db, const PGresult *r);

/* Runs stmt, whose single cell is a JSON document, and copies it into
 * *json (the caller frees). DB_MISSING when there is no row or the cell
 * is NULL. Outside a transaction a broken connection is retried once on
 * a fresh one: that is safe for reads, which is all it runs there. */
enum db_rc dbi_json(struct db *db, const char *stmt, int n, const char *const *params, char **json);

/* Runs stmt for its rows (a write's RETURNING); *out is the result the
 * caller PQclears, set only on DB_OK. */
enum db_rc dbi_rows(struct db *db, const char *stmt, int n, const char *const *params,
                    PGresult **out);

/* dbi_rows for a statement that may run twice (the session lookup, an
 * UPDATE of last_seen_at): outside a transaction, a connection that broke
 * since the last request is replaced and stmt run once more, as dbi_json
 * does for reads. Connects first (db_ensure). */
enum db_rc dbi_rows_repeatable(struct db *db, const char *stmt, int n, const char *const *params,
                               PGresult **out);

/* Runs stmt whose row is (JSON document, version): DB_OK with *json (the
 * caller frees) and *version, DB_MISSING without a row, or the failure. */
enum db_rc dbi_json_version(struct db *db, const char *stmt, int n, const char *const *params,
                            char **json, int64_t *version);

/* Runs a "why" statement whose first cell says whether the acting user
 * may: DB_OK (a row, true), DB_DENIED (a row, false), DB_MISSING (no
 * row), or the failure of the statement. */
enum db_rc dbi_may(struct db *db, const char *stmt, int n, const char *const *params);

/* After dbi_tx: what a write built in *json survives only on DB_OK, and on
 * DB_STALE (the record as it is now); otherwise it is freed and NULL.
 * Returns rc. */
enum db_rc dbi_settle(enum db_rc rc, char **json);

/* Runs stmt for how many rows it touched or returned (a conditional
 * UPDATE … RETURNING): DB_OK with *rows, or the failure. */
enum db_rc dbi_count(struct db *db, const char *stmt, int n, const char *const *params, int *rows);

/* Runs stmt for a table: its row 0 holds the titles, the others the
 * cells, in columns 1..ncols (column 0 orders the rows; columns after
 * ncols are the caller's). DB_OK with titles[0..ncols) and *cells (*nrows
 * rows of ncols, row-major, NULL when none; the caller frees it) pointing
 * into *out, which the caller PQclears; DB_MISSING without a titles row
 * (nothing kept); DB_BUG when there are too few columns or no memory; or
 * the failure of the statement. Connects first (db_ensure). */
enum db_rc dbi_table(struct db *db, const char *stmt, int n, const char *const *params,
                     size_t ncols, const char **titles, const char ***cells, size_t *nrows,
                     PGresult **out);

/* SQL text run for its effect only (BEGIN, SET LOCAL, a lock). */
enum db_rc dbi_run(struct db *db, const char *sql, int n, const char *const *params);

/* A statement run for its effect only. */
enum db_rc dbi_do(struct db *db, const char *stmt, int n, const char *const *params);

/* The one way to write. Opens a transaction acting as user (0: nobody,
 * the command line) through channel ("api", "import", "cli") — the audit
 * trigger and the row-level policies read both — and runs fn(db, arg).
 * fn returns DB_OK to commit; any other outcome rolls back and is
 * returned, as is a failed BEGIN or COMMIT (DB_AWAY, or DB_REFUSED for a
 * deferred constraint). With time limits (db_set_limits), a transaction
 * that took longer than the statement limit is rolled back instead of
 * committed (DB_REFUSED, 57014); a COMMIT whose answer was lost is
 * DB_REFUSED 08007: it may have committed. With dry_run, a fn that
 * succeeded is rolled back too and DB_OK returned: the rules of the
 * database were met. A BEGIN on a connection that broke since the last
 * call is retried once on a fresh one. */
enum db_rc dbi_tx(struct db *db, int user, const char *channel, bool dry_run,
                  enum db_rc (*fn)(struct db *db, void *arg), void *arg);

/* dbi_tx as nobody through channel "cli", on a connection where nothing
 * is prepared: migrate, whose scripts create the tables the statements
 * name. Returns as dbi_tx does. */
enum db_rc dbi_tx_unprepared(struct db *db, enum db_rc (*fn)(struct db *db, void *arg), void *arg);

/* strdup that reports DB_BUG (out of memory) through the usual path. */
enum db_rc dbi_strdup(const char *s, char **out);

/* The data version as one handle knows it (version.c). */
struct dbi_version {
	bool connected_once; /* a later connect is a reconnect */
	bool listening;      /* LISTEN shinchoku_version is on and v was read */
	bool trust_notify;   /* db_version_trust_notify */
	int64_t own;         /* where v is kept without a shared word */
	int64_t *shared;     /* the workers' word (db_version_share), or &own */
};
struct dbi_version *dbi_version_of(struct db *db);
/* After a connect: LISTEN, then read the version once. */
void dbi_version_listen(struct db *db);

/* The connection, for migrate's multi-statement scripts. */
PGconn *dbi_conn(struct db *db);

#endif
