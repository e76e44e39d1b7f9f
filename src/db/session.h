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

/* The sign-in throttle; signin.c says why it is so. Failures older than
 * window_minutes are forgotten. An attempt is refused while the (login,
 * address) pair has pair_max failures, while the address has addr_max
 * (any logins), and, once the login has pair_max failures from anywhere,
 * for an address that failed for it, for 2^(failures - pair_max) seconds
 * (at most delay_max_seconds) after that address's last failure. */
struct db_throttle_policy {
	int window_minutes, pair_max, addr_max, delay_max_seconds;
};

/* The counts in the window, the seconds each rule still refuses for (0:
 * it lets the attempt through), and attempt: the id of the failure
 * recorded in advance for an attempt let through, 0 when refused. */
struct db_throttle {
	long pair_failures, addr_failures, login_failures;
	long pair_wait, addr_wait, delay_wait;
	long long attempt;
};

/* One attempt of login from addr, atomically: under advisory locks of the
 * login and of the address, in one transaction, the failures are counted
 * and, when no rule refuses, the attempt is recorded as a failure before
 * its password is checked, so that attempts made in parallel each count
 * the ones before them. The attempt that proves right removes it
 * (db_session_start). DB_OK with *out (refused or not), or the failure
 * (nothing recorded, *out zero). */
enum db_rc db_session_attempt(struct db *db, const char *login, const char *addr,
                              const struct db_throttle_policy *policy, struct db_throttle *out);

/* The password hash and active flag of login; DB_MISSING when unknown.
 * hash has room for 128 bytes. */
enum db_rc db_session_credentials(struct db *db, const char *login, int *id, char hash[128],
                                  bool *active);

/* A new session for user with token_hash and csrf, forgetting the
 * failures of login from addr (its attempt's among them), in one
 * transaction. */
enum db_rc db_session_start(struct db *db, int user, const char *login, const char *addr,
                            const char *token_hash, const char *csrf);

/* Ends the session of token_hash. */
enum db_rc db_session_end(struct db *db, const char *token_hash);

/* The user as GET /api/session shows it (a JSON object), into *json. */
enum db_rc db_session_user_json(struct db *db, int user, char **json);

#endif
