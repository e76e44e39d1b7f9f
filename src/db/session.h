/* Sessions and sign-in: the SQL behind the sid cookie. */
#ifndef SHINCHOKU_DB_SESSION_H
#define SHINCHOKU_DB_SESSION_H

#include "db.h"

struct db_session_user {
	int id;
	char login[48];
	char role[16];
	int department_id; /* 0: none */
	char csrf[65];
};

/* The live session whose token hashes to token_hash, touching its last
 * use: idle for less than idle_minutes and younger than max_hours, of an
 * active user. DB_OK with *out, DB_MISSING when there is none. */
enum db_rc db_session_find(struct db *db, const char *token_hash, int idle_minutes, int max_hours,
                           struct db_session_user *out);

/* Failed sign-ins in the last window_minutes for login and for addr, and
 * the seconds until the oldest of each leaves the window. */
struct db_throttle {
	long login_failures, addr_failures;
	long login_wait, addr_wait;
};
enum db_rc db_session_throttle(struct db *db, const char *login, const char *addr,
                               int window_minutes, struct db_throttle *out);

/* The password hash and active flag of login; DB_MISSING when unknown.
 * hash has room for 128 bytes. */
enum db_rc db_session_credentials(struct db *db, const char *login, int *id, char hash[128],
                                  bool *active);

/* Records a failed sign-in of login from addr. */
enum db_rc db_session_failed(struct db *db, const char *login, const char *addr);

/* A new session for user with token_hash and csrf, clearing the login's
 * failures, in one transaction. */
enum db_rc db_session_start(struct db *db, int user, const char *login, const char *token_hash,
                            const char *csrf);

/* Ends the session of token_hash. */
enum db_rc db_session_end(struct db *db, const char *token_hash);

/* The user as GET /api/session shows it (a JSON object), into *json. */
enum db_rc db_session_user_json(struct db *db, int user, char **json);

#endif
