/* Users: the accounts admins manage. No function here hands back a
 * password hash except db_user_password_hash, which the API uses to check
 * the current password and never shows. */
#ifndef SHINCHOKU_DB_USER_H
#define SHINCHOKU_DB_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* {"items": [user, ...]} ordered by login, into *json (the caller frees).
 * DB_OK, or DB_AWAY / DB_BUG. */
enum db_rc db_user_list(struct db *db, char **json);

/* A new user. department_id 0: none. password_hash is argon2id, made by
 * the caller before the transaction (hashing takes a noticeable moment). */
struct db_user_new {
	const char *login, *display_name, *role;
	int64_t department_id;
	const char *password_hash;
};

/* Creates u acting as actor, in one transaction. DB_OK with the new user
 * in *json; DB_REFUSED for a rule of the database (a duplicate login:
 * app_user_login_key; an unknown department; ...); DB_AWAY / DB_BUG.
 * *json is NULL on every outcome but DB_OK. */
enum db_rc db_user_create(struct db *db, int actor, const struct db_user_new *u, char **json);

/* What a PATCH changes: NULL / false leaves a column as it is. With
 * set_department, department_id 0 takes the department away. */
struct db_user_patch {
	const char *display_name, *role;
	bool set_department, set_active, active;
	int64_t department_id;
};

/* Applies p to user id if its version is still version, acting as actor;
 * when the role, the active flag or the department changed, the user's
 * sessions end in the same transaction. Returns
 *   DB_OK       *json the user as it is now, *current its version;
 *   DB_STALE    nothing changed; *json the user as it is, *current its
 *               version (the handler answers 409 with both);
 *   DB_MISSING  no such user;
 *   DB_REFUSED  a rule of the database (the last active admin:
 *               app_user_last_admin; staff without a department: ...);
 *   DB_AWAY / DB_BUG.
 * *json is NULL on every other outcome. */
enum db_rc db_user_update(struct db *db, int actor, int64_t id, int64_t version,
                          const struct db_user_patch *p, char **json, int64_t *current);

/* The password hash of user id, to check a current password; hash has
 * room for 128 bytes. DB_OK, DB_MISSING (no such user, or a hash that
 * does not fit), DB_AWAY / DB_BUG. */
enum db_rc db_user_password_hash(struct db *db, int64_t id, char hash[128]);

/* Sets user id's password to password_hash acting as actor and ends the
 * user's sessions except keep_token_hash (NULL: all of them), in one
 * transaction. DB_OK with the user in *json; DB_MISSING (no such user);
 * DB_REFUSED / DB_AWAY / DB_BUG. *json is NULL on every outcome but DB_OK. */
enum db_rc db_user_set_password(struct db *db, int actor, int64_t id, const char *password_hash,
                                const char *keep_token_hash, char **json);

#endif
