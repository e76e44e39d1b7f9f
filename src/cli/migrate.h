/* Schema migrations: sql_dir/NNN_name.sql applied in order, each recorded
 * with a checksum in schema_migration, all pending ones in one transaction. */
#ifndef SHINCHOKU_MIGRATE_H
#define SHINCHOKU_MIGRATE_H

struct db;

/* Applies what is pending; 0 when the schema is current, -1 (logged, and
 * nothing applied) otherwise. A recorded file whose text changed is an
 * error. */
int migrate_run(struct db *db, const char *sql_dir);

#endif
