/* Migrations run as the owning role, before the tables the server's
 * statements name exist: nothing is prepared, every statement is SQL text,
 * and the scripts (many statements each) go through PQexec. dbi_tx cannot
 * serve here, since it prepares every statement first; so this file holds
 * the one other BEGIN and COMMIT of the code. */
#include "migration.h"

#include <string.h>

#include "db_int.h"

#define MIGRATE_LOCK "7311001" /* pg_advisory_xact_lock key of this job */

/* clang-format off */
static const char sql_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migration ("
	" name text PRIMARY KEY,"
	" checksum text NOT NULL,"
	" applied_at timestamptz NOT NULL DEFAULT now())";
static const char sql_applied[] =
	"SELECT checksum = md5($2) FROM schema_migration WHERE name = $1";
static const char sql_record[] =
	"INSERT INTO schema_migration (name, checksum) VALUES ($1, md5($2))";
/* clang-format on */

/* A whole script. A broken connection afterwards is DB_AWAY, as in dbi_sql. */
static enum db_rc
run_script(struct db *db, const char *text)
{
	PGconn *conn = dbi_conn(db);
	PGresult *r = PQexec(conn, text);
	enum db_rc rc;

	if (PQstatus(conn) != CONNECTION_OK) {
		PQclear(r);
		r = NULL;
	}
	rc = dbi_rc(db, r);
	PQclear(r);
	return rc;
}

/* One file inside the transaction: DB_OK (applied now, or recorded with
 * the same text), DB_STALE (recorded with another text), or the failure. */
static enum db_rc
apply_one(struct db *db, struct db_migration *m)
{
	const char *p[2] = {m->name, m->sql};
	PGresult *r = dbi_sql(db, sql_applied, 2, p);
	enum db_rc rc = dbi_rc(db, r);
	bool recorded = rc == DB_OK && PQntuples(r) == 1;
	bool same = recorded && strcmp(PQgetvalue(r, 0, 0), "t") == 0;

	PQclear(r);
	if (rc != DB_OK || recorded)
		return rc != DB_OK ? rc : same ? DB_OK : DB_STALE;
	if ((rc = run_script(db, m->sql)) == DB_OK && (rc = dbi_run(db, sql_record, 2, p)) == DB_OK)
		m->applied = true;
	return rc;
}

/* Inside the transaction: DB_OK, or the first failure with *at naming it. */
static enum db_rc
apply_all(struct db *db, struct db_migration *m, size_t n, size_t *at)
{
	enum db_rc rc;

	/* Quiet: "relation exists, skipping" notices are the normal case. */
	*at = n;
	if ((rc = dbi_run(db, "SET LOCAL client_min_messages = warning", 0, NULL)) != DB_OK ||
	    (rc = dbi_run(db, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", 0, NULL)) !=
	        DB_OK ||
	    (rc = dbi_run(db, sql_table, 0, NULL)) != DB_OK)
		return rc;
	for (*at = 0; *at < n; (*at)++)
		if ((rc = apply_one(db, &m[*at])) != DB_OK)
			return rc;
	return DB_OK;
}

struct apply {
	struct db_migration *m;
	size_t n, *at;
};

static enum db_rc
apply_tx(struct db *db, void *arg)
{
	struct apply *a = arg;

	return apply_all(db, a->m, a->n, a->at);
}

/* apply_all in one transaction (dbi_tx_unprepared: the statements of the
 * server cannot be prepared before the tables exist). Returns DB_OK when
 * COMMIT succeeded; any other outcome rolled back (m[i].applied cleared)
 * and is returned with *at as migration.h says. */
enum db_rc
db_migration_apply(struct db *db, struct db_migration *m, size_t n, size_t *at)
{
	struct apply a = {m, n, at};
	enum db_rc rc;
	size_t i;

	*at = n;
	for (i = 0; i < n; i++)
		m[i].applied = false;
	if ((rc = dbi_tx_unprepared(db, apply_tx, &a)) == DB_OK)
		*at = n;
	else
		for (i = 0; i < n; i++)
			m[i].applied = false;
	return rc;
}
