/* Schema migrations: the scripts the caller read (sql_dir/NNN_name.sql, in
 * order), each recorded with its checksum in schema_migration, all pending
 * ones applied in one transaction. */
#ifndef SHINCHOKU_DB_MIGRATION_H
#define SHINCHOKU_DB_MIGRATION_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

struct db_migration {
	const char *name; /* 001_schema.sql */
	const char *sql;  /* its text: many statements */
	bool applied;     /* set by the call: this run applied it */
};

/* Connects without preparing anything (the tables the server's statements
 * name may not exist yet) and applies, under an advisory lock that
 * serializes concurrent runs, every m[i] not recorded yet; the server's
 * "already exists, skipping" notices are silenced. Returns:
 *   DB_OK      the schema is current; m[i].applied says what this run did;
 *   DB_STALE   m[*at] was recorded with another text: a changed file;
 *   DB_REFUSED, DB_BUG  m[*at] failed (db_last_fault()->message says why),
 *              or with *at == n the bookkeeping or the COMMIT did;
 *   DB_AWAY    no connection (logged).
 * Every outcome but DB_OK applied nothing. */
enum db_rc db_migration_apply(struct db *db, struct db_migration *m, size_t n, size_t *at);

#endif
