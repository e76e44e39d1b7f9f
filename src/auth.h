/* Who is asking: passwords (argon2id), session tokens, the sid cookie and
 * the CSRF check. Handlers call auth_require after validating their input
 * and before touching data, so the order is parse, validate, authorize,
 * query. */
#ifndef SHINCHOKU_AUTH_H
#define SHINCHOKU_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

struct config;
struct db;

enum role { ROLE_VIEWER, ROLE_STAFF, ROLE_MANAGER, ROLE_ADMIN };

#define AUTH_TOKEN_HEX 65 /* 32 random bytes as hex, and the NUL */
#define AUTH_HASH_MAX  128

struct auth_user {
	int id;
	enum role role;
	int department_id; /* 0 when none */
	char login[48];
	char csrf[AUTH_TOKEN_HEX];
	char token_hash[AUTH_TOKEN_HEX];
};

/* Copies the session and throttling settings; once per worker. */
void auth_configure(const struct config *cfg);
int auth_idle_minutes(void);
int auth_max_hours(void);
int auth_lock_minutes(void);
int auth_login_max_failures(void);
int auth_addr_max_failures(void);

/* Initializes libsodium; 0 on success. */
int auth_init(void);

/* argon2id hash of password into out (AUTH_HASH_MAX bytes); 0 on success. */
int auth_password_hash(const char *password, char out[AUTH_HASH_MAX]);
bool auth_password_verify(const char *hash, const char *password);
/* The same cost as a real check, for a login that does not exist. */
void auth_password_burn(const char *password);

/* A fresh random token, and the SHA-256 (hex) under which it is stored. */
void auth_token_new(char out[AUTH_TOKEN_HEX]);
void auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX]);

/* The sid cookie's value from a Cookie header, if well-formed. */
bool auth_cookie_sid(const char *cookie, char out[AUTH_TOKEN_HEX]);

/* Set-Cookie for a new session, and for ending one. */
void auth_set_cookie(struct http_response *res, const char *token);
void auth_clear_cookie(struct http_response *res);

const char *auth_role_name(enum role r);
bool auth_role_parse(const char *name, enum role *out);
/* A validator (valid.h style) for role names. */
const char *valid_role(const char *raw, union http_qval *out);

#define AUTH_CSRF 1u /* a mutating request: X-CSRF-Token must match */

/* Resolves the session of req into u. Returns 0, or -1 with res set: 401
 * without a valid session, 403 when AUTH_CSRF is asked and the token is
 * missing or wrong, or the role is below min_role, 503 when the database
 * is away. */
int auth_require(struct http_request *req, struct db *db, unsigned flags, enum role min_role,
                 struct auth_user *u, struct http_response *res);

#endif
