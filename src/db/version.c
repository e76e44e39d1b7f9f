/* The data version: LISTEN on connect, notifications drained before each
 * request, the largest value seen kept in a shared word (atomics). */
#include "version.h"

#include <stdlib.h>

#include "db_int.h"
#include "log.h"

const struct db_stmt db_version_stmts[] = {
    {"version_read", "SELECT v FROM data_version", 0},
    {NULL, NULL, 0},
};

/* Publishes v: the word only grows, whatever order the news comes in. */
static void
publish(struct dbi_version *ver, int64_t v)
{
	int64_t *w = ver->shared ? ver->shared : &ver->own;
	int64_t cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);

	while (v > cur &&
	       !__atomic_compare_exchange_n(w, &cur, v, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
}

static int64_t
published(const struct dbi_version *ver)
{
	return __atomic_load_n(ver->shared ? ver->shared : &ver->own, __ATOMIC_ACQUIRE);
}

/* Reads the committed version; 0 (not published) when it cannot. */
static int
read_version(struct db *db)
{
	PGresult *r = dbi_exec(db, "version_read", 0, NULL);
	int ok = r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;

	if (ok)
		publish(dbi_version_of(db), strtoll(PQgetvalue(r, 0, 0), NULL, 10));
	else if (r != NULL)
		log_error("data version: %s", PQresultErrorMessage(r));
	PQclear(r);
	return ok ? 0 : -1;
}

void
dbi_version_listen(struct db *db)
{
	PGresult *r = dbi_sql(db, "LISTEN shinchoku_version", 0, NULL);
	bool ok = r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	/* Listening first, then reading: a write committed in between is
	 * either in the value read or in a notification still to come. */
	dbi_version_of(db)->listening = ok && read_version(db) == 0;
}

void
db_version_trust_notify(struct db *db, bool trust)
{
	dbi_version_of(db)->trust_notify = trust;
}

void
db_version_share(struct db *db, int64_t *shared)
{
	struct dbi_version *ver = dbi_version_of(db);

	publish(&(struct dbi_version){.shared = shared}, ver->own);
	ver->shared = shared;
}

/* Takes what notifications arrived; -1 when the connection broke. */
static int
drain(struct db *db)
{
	PGconn *c = dbi_conn(db);
	PGnotify *n;

	if (PQconsumeInput(c) == 0 || PQstatus(c) != CONNECTION_OK)
		return -1;
	while ((n = PQnotifies(c)) != NULL) {
		publish(dbi_version_of(db), strtoll(n->extra, NULL, 10));
		PQfreemem(n);
	}
	return 0;
}

int64_t
db_version_current(struct db *db)
{
	struct dbi_version *ver = dbi_version_of(db);

	if (dbi_conn(db) == NULL || PQstatus(dbi_conn(db)) != CONNECTION_OK || !ver->listening)
		if (db_ensure(db) != 0 || !ver->listening)
			return 0;
	if (drain(db) != 0 || (!ver->trust_notify && read_version(db) != 0)) {
		/* Not known until the connection is made again and read. */
		ver->listening = false;
		return 0;
	}
	return published(ver);
}

void
db_version_refresh(struct db *db)
{
	PGconn *c = dbi_conn(db);

	if (c != NULL && PQstatus(c) == CONNECTION_OK && !db_in_transaction(db))
		read_version(db);
}
