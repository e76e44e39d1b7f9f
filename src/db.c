/* The process's PostgreSQL connection. Connection loss is expected (the
 * server restarts, a failover happens): a broken handle is reset at the next
 * db_ensure, and every statement is prepared again because PQreset drops
 * them. While the server is away callers get -1 and answer 503. */
#include "db.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

struct db {
	char *conninfo;
	PGconn *conn;
	bool prepared;    /* statements exist on this connection */
	bool away_logged; /* log "database away" once per outage */
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
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
}

PGconn *
db_conn(struct db *db)
{
	return db->conn;
}

bool
db_ok(const PGresult *res)
{
	ExecStatusType st;

	if (res == NULL)
		return false;
	st = PQresultStatus(res);
	return st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK;
}

static int
db_prepare_set(struct db *db, const struct db_stmt *stmts)
{
	PGresult *res;

	for (; stmts->name != NULL; stmts++) {
		res = PQprepare(db->conn, stmts->name, stmts->sql, stmts->nparams, NULL);
		if (!db_ok(res)) {
			/* A statement that does not prepare is a bug, not an outage. */
			log_error("prepare %s: %s", stmts->name, PQerrorMessage(db->conn));
			PQclear(res);
			return -1;
		}
		PQclear(res);
	}
	return 0;
}

static int
db_prepare_all(struct db *db, const struct db_stmt *const *sets)
{
	/* A set that failed halfway left some statements behind: start clean. */
	PQclear(PQexec(db->conn, "DEALLOCATE ALL"));
	for (; sets != NULL && *sets != NULL; sets++)
		if (db_prepare_set(db, *sets) != 0)
			return -1;
	return 0;
}

static int
db_connect(struct db *db)
{
	if (db->conn == NULL)
		db->conn = PQconnectdb(db->conninfo);
	else
		PQreset(db->conn);
	db->prepared = false;
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		if (!db->away_logged)
			log_error("database unavailable: %s",
			          db->conn ? PQerrorMessage(db->conn) : "out of memory");
		db->away_logged = true;
		return -1;
	}
	if (db->away_logged)
		log_info("database connection restored");
	db->away_logged = false;
	return 0;
}

int
db_ensure(struct db *db, const struct db_stmt *const *sets)
{
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		if (db_connect(db) != 0)
			return -1;
	}
	if (!db->prepared) {
		if (db_prepare_all(db, sets) != 0)
			return -1;
		db->prepared = true;
	}
	return 0;
}

/* A NULL result or a bad connection after the call means the server went
 * away mid-statement: report it as NULL so callers answer 503. */
static PGresult *
db_checked(struct db *db, PGresult *res)
{
	if (res == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		if (res != NULL) {
			log_error("database connection lost: %s", PQerrorMessage(db->conn));
			PQclear(res);
		}
		db->prepared = false;
		return NULL;
	}
	if (!db_ok(res))
		log_error("query failed: %s", PQresultErrorMessage(res));
	return res;
}

PGresult *
db_exec(struct db *db, const char *stmt, int nparams, const char *const *params)
{
	if (db->conn == NULL)
		return NULL;
	return db_checked(db, PQexecPrepared(db->conn, stmt, nparams, params, NULL, NULL, 0));
}

PGresult *
db_query(struct db *db, const char *sql, int nparams, const char *const *params)
{
	if (db->conn == NULL)
		return NULL;
	return db_checked(db, PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0));
}

int
db_command(struct db *db, const char *sql, int nparams, const char *const *params)
{
	PGresult *res = db_query(db, sql, nparams, params);
	int ok = db_ok(res);

	PQclear(res);
	return ok ? 0 : -1;
}

int
db_begin(struct db *db, int user_id, const char *channel)
{
	char id[24] = "";
	const char *p[2] = {id, channel};

	if (user_id > 0)
		snprintf(id, sizeof id, "%d", user_id);
	if (db_command(db, "BEGIN", 0, NULL) != 0)
		return -1;
	if (db_command(db,
	               "SELECT set_config('app.user_id', $1, true),"
	               " set_config('app.channel', $2, true)",
	               2, p) == 0)
		return 0;
	db_command(db, "ROLLBACK", 0, NULL);
	return -1;
}
