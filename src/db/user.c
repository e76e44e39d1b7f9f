/* SQL of user management. Password hashes stay in the database: no
 * statement here returns one but user_hash, which only checks a password. */
#include "user.h"

#include <stdlib.h>
#include <string.h>

#include "db_int.h"

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

/* Ends the sessions of user id but keep (NULL: all); session_end_user is
 * in db_session_stmts. */
static enum db_rc
end_sessions(struct db *db, const char *id, const char *keep)
{
	const char *p[2] = {id, keep};

	return dbi_do(db, "session_end_user", 2, p);
}

/* User id (formatted) as the API shows it, and its version when asked.
 * DB_OK with *json (the caller frees), DB_MISSING, or the failure. */
static enum db_rc
user_get(struct db *db, const char *id, char **json, int64_t *version)
{
	int64_t v;
	enum db_rc rc = dbi_json_version(db, "user_get", 1, &id, json, &v);

	if (rc == DB_OK && version != NULL)
		*version = v;
	return rc;
}

enum db_rc
db_user_list(struct db *db, char **json)
{
	return dbi_json(db, "user_list", 0, NULL, json);
}

struct user_create {
	const struct db_user_new *u;
	char **json;
};

/* Inserts, then reads the user back. DB_OK with *json, else the failure
 * of either statement (dbi_tx rolls back). */
static enum db_rc
user_create_tx(struct db *db, void *arg)
{
	struct user_create *c = arg;
	char dept[24];
	const char *p[5] = {c->u->login, c->u->display_name, c->u->role,
	                    dbi_opt(dept, c->u->department_id), c->u->password_hash};
	const char *id;
	PGresult *r;
	enum db_rc rc;

	if ((rc = dbi_rows(db, "user_create", 5, p, &r)) != DB_OK)
		return rc;
	id = PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : NULL;
	rc = id != NULL ? user_get(db, id, c->json, NULL) : DB_BUG;
	PQclear(r);
	return rc;
}

enum db_rc
db_user_create(struct db *db, int actor, const struct db_user_new *u, char **json)
{
	struct user_create c = {u, json};

	*json = NULL;
	return dbi_settle(dbi_tx(db, actor, "api", false, user_create_tx, &c), json);
}

struct user_update {
	const char *key[2]; /* id, the version read */
	const struct db_user_patch *p;
	char **json;
	int64_t *current;
};

/* The update matched no row: no such user (DB_MISSING), or a version that
 * is not current (DB_STALE with the current user), or the failure of a
 * query. */
static enum db_rc
user_why(struct db *db, struct user_update *u)
{
	PGresult *r;
	enum db_rc rc;
	bool exists;

	if ((rc = dbi_rows(db, "user_why", 1, u->key, &r)) != DB_OK)
		return rc;
	exists = PQntuples(r) == 1;
	PQclear(r);
	if (!exists)
		return DB_MISSING;
	rc = user_get(db, u->key[0], u->json, u->current);
	return rc == DB_OK ? DB_STALE : rc;
}

/* Updates, ends the sessions when the rights changed, reads the user
 * back. DB_OK with *json and *current; DB_MISSING / DB_STALE from
 * user_why; else the failure of a statement. */
static enum db_rc
user_update_tx(struct db *db, void *arg)
{
	struct user_update *u = arg;
	const struct db_user_patch *p = u->p;
	char dept[24];
	const char *q[6] = {u->key[0],
	                    u->key[1],
	                    p->display_name,
	                    p->role,
	                    p->set_department ? dbi_int(dept, p->department_id) : NULL,
	                    p->set_active ? (p->active ? "t" : "f") : NULL};
	PGresult *r;
	enum db_rc rc;
	bool changed;

	if ((rc = dbi_rows(db, "user_update", 6, q, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return user_why(db, u);
	}
	changed = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	PQclear(r);
	if (changed && (rc = end_sessions(db, u->key[0], NULL)) != DB_OK)
		return rc;
	return user_get(db, u->key[0], u->json, u->current);
}

enum db_rc
db_user_update(struct db *db, int actor, int64_t id, int64_t version, const struct db_user_patch *p,
               char **json, int64_t *current)
{
	char sid[24], sversion[24];
	struct user_update u = {{dbi_int(sid, id), dbi_int(sversion, version)}, p, json, current};

	*json = NULL;
	*current = 0;
	return dbi_settle(dbi_tx(db, actor, "api", false, user_update_tx, &u), json);
}

enum db_rc
db_user_password_hash(struct db *db, int64_t id, char hash[128])
{
	char sid[24];
	const char *p[1] = {dbi_int(sid, id)};
	PGresult *r;
	enum db_rc rc;

	hash[0] = '\0';
	if (db_ensure(db) != 0)
		return DB_AWAY;
	if ((rc = dbi_rows(db, "user_hash", 1, p, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) && (size_t)PQgetlength(r, 0, 0) < 128)
		memcpy(hash, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0) + 1);
	else
		rc = DB_MISSING;
	PQclear(r);
	return rc;
}

struct user_password {
	const char *key[2]; /* id, the new hash */
	const char *keep;
	char **json;
};

/* Sets the hash, ends the other sessions, reads the user back. DB_OK with
 * *json; DB_MISSING when there is no such user; else the failure of a
 * statement. */
static enum db_rc
user_password_tx(struct db *db, void *arg)
{
	struct user_password *w = arg;
	PGresult *r;
	enum db_rc rc;
	bool found;

	if ((rc = dbi_rows(db, "user_password", 2, w->key, &r)) != DB_OK)
		return rc;
	found = PQntuples(r) == 1;
	PQclear(r);
	if (!found)
		return DB_MISSING;
	if ((rc = end_sessions(db, w->key[0], w->keep)) != DB_OK)
		return rc;
	return user_get(db, w->key[0], w->json, NULL);
}

enum db_rc
db_user_set_password(struct db *db, int actor, int64_t id, const char *password_hash,
                     const char *keep_token_hash, char **json)
{
	char sid[24];
	struct user_password w = {{dbi_int(sid, id), password_hash}, keep_token_hash, json};

	*json = NULL;
	return dbi_settle(dbi_tx(db, actor, "api", false, user_password_tx, &w), json);
}
