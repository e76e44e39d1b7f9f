/* Migrations run as the owning role. Two concurrent runs (two `dev up`, or
 * app containers starting together) serialize on an advisory lock in
 * db_migration_apply, and the second finds nothing to do. */
#include "migrate.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fileio.h"
#include "log.h"
#include "migration.h"

#define MIGRATION_MAX (4 * 1024 * 1024)

/* NNN_something.sql: three digits order the files. */
static int
is_migration(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 8 && strspn(e->d_name, "0123456789") == 3 && e->d_name[3] == '_' &&
	       strcmp(e->d_name + n - 4, ".sql") == 0;
}

/* Reads every file of list into m; 0, or -1 (logged). */
static int
read_all(const char *dir, struct dirent **list, int n, struct db_migration *m)
{
	char path[4096], err[512];
	size_t len;
	int i;

	for (i = 0; i < n; i++) {
		m[i].name = list[i]->d_name;
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, m[i].name) >= sizeof path) {
			log_error("migrate: %s/%s: path too long", dir, m[i].name);
			return -1;
		}
		if ((m[i].sql = file_read(path, MIGRATION_MAX, &len, err, sizeof err)) == NULL) {
			log_error("migrate: %s", err);
			return -1;
		}
	}
	return 0;
}

/* 0 when db_migration_apply left the schema current, -1 (logged). */
static int
apply(struct db *db, struct db_migration *m, size_t n)
{
	size_t i, at, applied = 0;
	enum db_rc rc = db_migration_apply(db, m, n, &at);

	if (rc == DB_STALE) {
		log_error("migrate: %s changed after it was applied; add a new migration instead",
		          m[at].name);
	} else if (rc == DB_AWAY) {
		log_error("migrate: the database went away; nothing applied");
	} else if (rc != DB_OK) {
		log_error("migrate: %s: %s", at < n ? m[at].name : "schema_migration",
		          db_last_fault(db)->message);
	} else {
		for (i = 0; i < n; i++)
			if (m[i].applied)
				log_info("migrate: applied %s", m[i].name), applied++;
		log_info("migrate: %zu applied, %zu already there", applied, n - applied);
		return 0;
	}
	return -1;
}

int
migrate_run(struct db *db, const char *sql_dir)
{
	struct db_migration *m;
	struct dirent **list;
	int i, n, rc = -1;

	if ((n = scandir(sql_dir, &list, is_migration, alphasort)) < 0) {
		log_error("migrate: cannot read %s", sql_dir);
		return -1;
	}
	if (n == 0) {
		log_error("migrate: no NNN_*.sql files in %s", sql_dir);
		free(list);
		return -1;
	}
	if ((m = calloc((size_t)n, sizeof *m)) == NULL)
		log_error("migrate: out of memory");
	else if (read_all(sql_dir, list, n, m) == 0)
		rc = apply(db, m, (size_t)n);
	for (i = 0; m != NULL && i < n; i++)
		free((char *)m[i].sql);
	free(m);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}
