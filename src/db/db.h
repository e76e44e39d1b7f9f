/* The database layer's public face: a connection handle and the outcome of
 * every call. No libpq here: the api/ layer sees typed functions (one
 * header per resource, db/<resource>.h) and these codes, never a PGresult. */
#ifndef SHINCHOKU_DB_H
#define SHINCHOKU_DB_H

#include <stdbool.h>
#include <stdint.h>

struct db;

/* What a db_* call did. Only DB_OK changed or read anything; every other
 * outcome left the database as it was (the transaction was rolled back),
 * except DB_REFUSED with SQLSTATE 08007: the COMMIT was sent and its
 * answer lost, so the write may or may not have happened. */
enum db_rc {
	DB_OK = 0,
	DB_MISSING, /* no such record */
	DB_DENIED,  /* the record exists, this user may not do that to it */
	DB_STALE,   /* the version the client read is not current */
	DB_REFUSED, /* a rule of the database refused it: see db_last_fault */
	DB_AWAY,    /* no connection (or it broke): try again later */
	DB_BUG,     /* anything else; the server's message was logged */
};

/* Why the last call ended in DB_REFUSED (or DB_BUG): the SQLSTATE, the
 * constraint it names (or ""), and the server's primary message, which is
 * for the log and for the few messages our own triggers write in Japanese. */
struct db_fault {
	char sqlstate[6];
	char constraint[64];
	char message[512];
};

/* Creates the handle; connects lazily. conninfo is copied. */
struct db *db_new(const char *conninfo);
void db_free(struct db *db);

/* Time limits the server applies to every statement, lock wait and idle
 * transaction of this handle's sessions, in ms (0: none). They are set at
 * each connect and reconnect; a transaction that runs longer than
 * statement_ms in all is rolled back rather than committed (DB_REFUSED,
 * SQLSTATE 57014), so a worker never commits after its caller's time. */
struct db_limits {
	int statement_ms;
	int lock_ms;
	int idle_tx_ms;
};
/* Takes effect at the next connect; call it before the first db_ensure. */
void db_set_limits(struct db *db, const struct db_limits *limits);

/* Connects (or reconnects after an outage), prepares every statement of
 * the server (db/statements.c) and loads the status scale. Returns 0 when
 * the connection is usable, -1 when the database is away (logged once per
 * outage). */
int db_ensure(struct db *db);

/* Connects without preparing anything: migrate, which must run before the
 * tables the statements name exist. 0, or -1 (logged). */
int db_connect_only(struct db *db);

const struct db_fault *db_last_fault(const struct db *db);

/* true while a transaction is open. The worker asks after every request:
 * a handler that left one open is a bug, so it is rolled back there. */
bool db_in_transaction(const struct db *db);
/* Rolls back whatever is open; harmless when nothing is. */
void db_abandon(struct db *db);

/* The SQL of the prepared statement name, NULL when there is none: for
 * `shinchoku statement`, which hands it to pgbench (bench/run). */
const char *db_statement_sql(const char *name);

#endif
