/* One PostgreSQL connection per process (never shared across fork), with
 * every prepared statement of the server registered up front so that a
 * reconnect can prepare them all again. */
#ifndef SHINCHOKU_DB_H
#define SHINCHOKU_DB_H

#include <stdbool.h>
#include <libpq-fe.h>

/* A named statement: its SQL lives in the db_<resource>.c file it belongs to. */
struct db_stmt {
	const char *name;
	const char *sql;
	int nparams;
};

struct db;

/* Creates the handle; connects lazily. conninfo is copied. */
struct db *db_new(const char *conninfo);
void db_free(struct db *db);

/* Connects, or reconnects after the server went away, and prepares the given
 * statements: sets is a NULL-terminated list of NULL-name-terminated arrays
 * (or NULL for none). Returns 0 when the connection is usable, -1 when the
 * database is away (message logged once per outage). */
int db_ensure(struct db *db, const struct db_stmt *const *sets);

/* The raw connection, for the few callers that need libpq directly. */
PGconn *db_conn(struct db *db);

/* Runs a prepared statement, text parameters (NULL = SQL NULL). Returns the
 * result, which the caller PQclear()s, or NULL when the connection broke
 * (the handle then reconnects at the next db_ensure). A result with an error
 * status is returned as is. */
PGresult *db_exec(struct db *db, const char *stmt, int nparams, const char *const *params);

/* Runs SQL with parameters, unprepared (migrate, import, one-off admin). */
PGresult *db_query(struct db *db, const char *sql, int nparams, const char *const *params);

/* true when res is a result whose status is PGRES_TUPLES_OK or PGRES_COMMAND_OK. */
bool db_ok(const PGresult *res);

/* Runs a statement that must succeed without rows (BEGIN, COMMIT, set_config);
 * returns 0, or -1 after logging the server's message. */
int db_command(struct db *db, const char *sql, int nparams, const char *const *params);

/* BEGIN acting as user_id (0: nobody, e.g. the command line) through
 * channel ("api", "import", "cli"). The audit trigger and the row-level
 * policies read both; they end with the transaction. Returns 0, or -1
 * with nothing left open. */
int db_begin(struct db *db, int user_id, const char *channel);

#endif
