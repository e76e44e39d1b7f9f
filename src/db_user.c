/* SQL of user management. Password hashes stay in the database: no
 * statement here returns one. */
#include "handlers.h"

/* A user as the API shows it. */
#define USER_JSON(u)                                                                               \
	"json_build_object('id', " u ".id, 'login', " u ".login,"                                  \
	" 'display_name', " u ".display_name, 'role', " u ".role,"                                 \
	" 'department', (SELECT json_build_object('id', d.id, 'name', d.name) FROM department d"   \
	"   WHERE d.id = " u ".department_id),"                                                    \
	" 'active', " u ".active, 'version', " u ".version,"                                       \
	" 'created_at', " u ".created_at, 'updated_at', " u ".updated_at)"

/* clang-format off */
const struct db_stmt db_user_stmts[] = {
    {"user_list",
     "SELECT json_build_object('items', coalesce(json_agg(" USER_JSON("u")
     " ORDER BY u.login), '[]'))::text FROM app_user u",
     0},
    {"user_get", "SELECT " USER_JSON("u") "::text, u.version FROM app_user u WHERE u.id = $1", 1},
    {"user_create",
     "INSERT INTO app_user (login, display_name, role, department_id, password_hash)"
     " VALUES ($1, $2, $3, $4, $5) RETURNING id",
     5},
    /* $2 the version the admin read; NULL leaves a column as it is, and a
     * department of 0 means none. Returns the new version and whether the
     * user's rights changed, which ends their sessions. */
    {"user_update",
     "WITH old AS (SELECT role, active, department_id FROM app_user WHERE id = $1 FOR UPDATE)"
     " UPDATE app_user u SET display_name = coalesce($3, u.display_name),"
     "  role = coalesce($4, u.role),"
     "  department_id = CASE WHEN $5::int IS NULL THEN u.department_id ELSE nullif($5::int, 0) END,"
     "  active = coalesce($6::boolean, u.active), version = u.version + 1, updated_at = now()"
     " FROM old WHERE u.id = $1 AND u.version = $2"
     " RETURNING u.version, (u.role <> old.role OR u.active <> old.active"
     "   OR u.department_id IS DISTINCT FROM old.department_id)",
     6},
    {"user_password",
     "UPDATE app_user SET password_hash = $2, version = version + 1, updated_at = now()"
     " WHERE id = $1 RETURNING version",
     2},
    {"user_why", "SELECT true, version FROM app_user WHERE id = $1", 1},
    {"user_hash", "SELECT password_hash FROM app_user WHERE id = $1", 1},
    {NULL, NULL, 0},
};
/* clang-format on */
