/* Migrations run as the owner role. Two concurrent runs (two `dev up`, or
 * app containers starting together) serialize on an advisory lock, and the
 * second finds nothing to do. */
#include "migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fileio.h"
#include "log.h"

#define MIGRATION_MAX (4 * 1024 * 1024)
#define MIGRATE_LOCK  "7311001" /* pg_advisory_xact_lock key of this job */

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

/* NNN_something.sql: three digits order the files. */
static int
is_migration(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 8 && strspn(e->d_name, "0123456789") == 3 && e->d_name[3] == '_' &&
	       strcmp(e->d_name + n - 4, ".sql") == 0;
}

/* 1 applied now, 0 already there, -1 error. */
static int
migrate_one(struct db *db, const char *dir, const char *name)
{
	char path[4096], err[512];
	const char *params[2];
	PGresult *res;
	size_t len;
	char *text;
	int rc = -1;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((text = file_read(path, MIGRATION_MAX, &len, err, sizeof err)) == NULL) {
		log_error("migrate: %s", err);
		return -1;
	}
	params[0] = name, params[1] = text;
	res = db_query(db, sql_applied, 2, params);
	if (!db_ok(res)) {
		rc = -1; /* db_query logged why */
	} else if (PQntuples(res) == 1) {
		rc = 0;
		if (strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
			log_error("migrate: %s changed after it was applied; add a new migration "
			          "instead",
			          name);
			rc = -1;
		}
	} else {
		/* PQexec: a migration file holds many statements. */
		PQclear(res);
		res = PQexec(db_conn(db), text);
		if (!db_ok(res))
			log_error("migrate: %s: %s", name, PQerrorMessage(db_conn(db)));
		else if (db_command(db, sql_record, 2, params) == 0)
			rc = 1;
	}
	PQclear(res);
	free(text);
	return rc;
}

static int
migrate_all(struct db *db, const char *dir, struct dirent **list, int n)
{
	int i, rc, applied = 0;

	/* Quiet: "relation exists, skipping" notices are the normal case. */
	if (db_command(db, "SET LOCAL client_min_messages = warning", 0, NULL) != 0 ||
	    db_command(db, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", 0, NULL) != 0 ||
	    db_command(db, sql_table, 0, NULL) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((rc = migrate_one(db, dir, list[i]->d_name)) < 0)
			return -1;
		if (rc == 1)
			log_info("migrate: applied %s", list[i]->d_name);
		applied += rc;
	}
	log_info("migrate: %d applied, %d already there", applied, n - applied);
	return 0;
}

int
migrate_run(struct db *db, const char *sql_dir)
{
	struct dirent **list;
	int i, n, rc;

	if ((n = scandir(sql_dir, &list, is_migration, alphasort)) < 0) {
		log_error("migrate: cannot read %s", sql_dir);
		return -1;
	}
	if (n == 0) {
		log_error("migrate: no NNN_*.sql files in %s", sql_dir);
		free(list);
		return -1;
	}
	rc = db_command(db, "BEGIN", 0, NULL);
	if (rc == 0 && (rc = migrate_all(db, sql_dir, list, n)) == 0)
		rc = db_command(db, "COMMIT", 0, NULL);
	if (rc != 0)
		db_command(db, "ROLLBACK", 0, NULL);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}
