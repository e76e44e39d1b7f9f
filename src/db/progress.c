/* SQL of the progress scale and of the health check. */
#include "progress.h"

#include "db_int.h"

/* clang-format off */
const struct db_stmt db_progress_stmts[] = {
    {"health_check", "SELECT 1", 0},
    {"status_list",
     "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
     " 'key', s.key, 'mark', s.mark, 'label', s.label, 'short', s.short,"
     " 'reason_required', s.reason_required, 'position', s.position)"
     " ORDER BY s.position), '[]'))::text FROM progress_status s",
     0},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_health(struct db *db)
{
	if (db_ensure(db) != 0)
		return DB_AWAY;
	/* Anything but an answer means this worker cannot serve: DB_AWAY. */
	return dbi_do(db, "health_check", 0, NULL) == DB_OK ? DB_OK : DB_AWAY;
}

enum db_rc
db_status_list(struct db *db, char **json)
{
	return dbi_json(db, "status_list", 0, NULL, json);
}
