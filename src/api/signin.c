/* POST/GET/DELETE /api/session: sign in, who am I, sign out. A failed
 * sign-in answers the same for an unknown login, an inactive user and a
 * wrong password, and costs the same time, so logins cannot be probed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "crypto.h"
#include "endpoints.h"
#include "session.h"

enum { S_LOGIN, S_PASSWORD, S_N };

static const struct json_bfield signin_fields[S_N] = {
    [S_LOGIN] = {.name = "login", .kind = JB_TEXT, .required = true, .max = 40, .nonempty = true},
    [S_PASSWORD] =
        {.name = "password", .kind = JB_TEXT, .required = true, .max = 200, .nonempty = true},
};

/* Overwrites the password the door parsed, in place: rq->b[k].s is the
 * json-c string of rq->body (a heap buffer of exactly strlen bytes, the
 * door checked there is no NUL inside), the only copy the handler can
 * reach. Harmless twice. */
static void
wipe_field(const struct api_req *rq, int k)
{
	if (rq->b[k].present && rq->b[k].s != NULL)
		crypto_wipe((char *)rq->b[k].s, strlen(rq->b[k].s));
}

/* The throttle, and why it is so.
 *
 * A lock per login let anyone lock anyone out: five wrong passwords from
 * anywhere refused even the admin's right one for login_lock_minutes. So
 * the rules follow who failed, within a window of login_lock_minutes:
 *
 *  1. The pair: login_max_failures failures of one login from one client
 *     address refuse that pair until the oldest of them leaves the window.
 *     An attacker locks out only the address they attack from.
 *  2. The address: addr_max_failures failures from one address, whatever
 *     the logins, refuse that address (one address guessing many logins).
 *  3. The login's delay, against guessing spread over many addresses: once
 *     a login has login_max_failures failures in the window from anywhere,
 *     an address that has failed for it may try again only
 *     2^(failures - login_max_failures) seconds after its own last failure,
 *     at most LOGIN_DELAY_MAX_SECONDS. An address that has not failed for
 *     the login is never delayed, so the user, from their own computer,
 *     signs in with the right password however hard the login is
 *     attacked elsewhere; a user who mistypes while it is waits at most a
 *     minute. The delay is a refusal with Retry-After, not a sleep: a
 *     sleeping worker would be a worker the attacker holds.
 *
 * The check and the count are one step (db_session_attempt): under a lock
 * of the login and of the address, the failures are counted and the
 * attempt is recorded as a failure before the password is checked; the
 * right password removes it. So ten attempts sent at once from one
 * address are counted one after the other, and at most login_max_failures
 * of them have their password checked. */
#define LOGIN_DELAY_MAX_SECONDS 60

/* Returns 0 when the attempt may go on (it is counted already), or -1
 * with res set: 429 with Retry-After (the longest wait of the rules that
 * refuse, at least 1), or the db failure (503 while the database is away;
 * nothing counted, and the password is then not checked). */
static int
throttled(struct db *db, const char *login, const char *addr, struct http_response *res)
{
	const struct db_throttle_policy p = {.window_minutes = api_lock_minutes(),
	                                     .pair_max = api_login_max_failures(),
	                                     .addr_max = api_addr_max_failures(),
	                                     .delay_max_seconds = LOGIN_DELAY_MAX_SECONDS};
	struct db_throttle t;
	char wait[24];
	long secs;
	enum db_rc rc;

	if ((rc = db_session_attempt(db, login, addr, &p, &t)) != DB_OK) {
		api_db_error(res, db, rc, NULL);
		return -1;
	}
	if (t.attempt > 0)
		return 0;
	secs = t.pair_wait > t.addr_wait ? t.pair_wait : t.addr_wait;
	if (t.delay_wait > secs)
		secs = t.delay_wait;
	snprintf(wait, sizeof wait, "%ld", secs > 0 ? secs : 1);
	http_set_header(res, "Retry-After", wait);
	http_error(res, 429, "too_many_attempts", NULL,
	           "too many failed sign-ins; try again in %s seconds", wait);
	return -1;
}

/* Whether login and password match an active user (*id then set). The
 * password is verified, or burnt for an unknown login, either way: the
 * same cost. Returns 1 (match), 0 (no match), or -1 with res set (the db
 * failure). */
static int
check_password(struct db *db, const char *login, const char *password, int *id,
               struct http_response *res)
{
	char hash[CRYPTO_HASH_MAX];
	bool active, ok = false;
	enum db_rc rc = db_session_credentials(db, login, id, hash, &active);

	if (rc == DB_OK)
		ok = crypto_password_verify(hash, password) && active;
	else if (rc == DB_MISSING)
		crypto_password_burn(password);
	crypto_wipe(hash, sizeof hash);
	if (rc != DB_OK && rc != DB_MISSING) {
		api_db_error(res, db, rc, NULL);
		return -1;
	}
	return ok ? 1 : 0;
}

/* {"user": {...}, "csrf_token": "...", "idle_minutes": n} for user id,
 * with Cache-Control: no-store (set once; the worker adds no-cache only
 * when none is set). Every way out sets res: 200, or the db failure
 * (503 when the user cannot be read), or 500 when the answer cannot be
 * built. Returns 0 on the 200. */
static int
session_answer(struct db *db, int id, const char *csrf, struct http_response *res)
{
	struct json_object *o, *user;
	char *json = NULL;
	enum db_rc rc = db_session_user_json(db, id, &json);

	if (rc != DB_OK) {
		/* The session's user is always there: a miss is a broken read. */
		api_db_error(res, db, rc == DB_MISSING ? DB_AWAY : rc, NULL);
		return -1;
	}
	user = json_tokener_parse(json);
	free(json);
	if (user == NULL || (o = json_object_new_object()) == NULL) {
		json_object_put(user);
		http_error(res, 500, "internal", NULL, "the answer could not be built");
		return -1;
	}
	json_object_object_add(o, "user", user);
	json_object_object_add(o, "csrf_token", json_object_new_string(csrf));
	json_object_object_add(o, "idle_minutes", json_object_new_int(api_idle_minutes()));
	http_set_header(res, "Cache-Control", "no-store");
	http_json(res, 200, o);
	return 0;
}

/* A new session for user id: the row (forgetting the failures of login
 * from addr, this attempt's among them), the answer, then the cookie.
 * Sets res: 200 with the cookie, or the failure of the write or of the
 * answer (no cookie then). */
static void
session_start(struct db *db, int id, const char *login, const char *addr, struct http_response *res)
{
	char token[CRYPTO_TOKEN_HEX], hash[CRYPTO_TOKEN_HEX], csrf[CRYPTO_TOKEN_HEX];
	enum db_rc rc;

	crypto_token_new(token);
	crypto_token_hash(token, hash);
	crypto_token_new(csrf);
	if ((rc = db_session_start(db, id, login, addr, hash, csrf)) != DB_OK)
		api_db_error(res, db, rc, NULL);
	else if (session_answer(db, id, csrf, res) == 0)
		api_set_cookie(res, token);
	crypto_wipe(token, sizeof token);
}

/* POST /api/session. Sets res on every way out: 200 (session_start), 429
 * (throttled), 401 bad_credentials for an unknown login, an inactive user
 * or a wrong password alike (the failure was recorded before the check),
 * or the db failure of any step — an attempt that could not be recorded
 * is that failure (503 while away), and its password is not checked. The
 * password is wiped once it has been checked. */
static void
session_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	const char *login = rq->b[S_LOGIN].s;
	const char *addr = rq->http->remote_addr ? rq->http->remote_addr : "-";
	int id = 0, match = -1;

	if (throttled(db, login, addr, res) == 0)
		match = check_password(db, login, rq->b[S_PASSWORD].s, &id, res);
	wipe_field(rq, S_PASSWORD);
	if (match == 1)
		session_start(db, id, login, addr, res);
	else if (match == 0)
		http_error(res, 401, "bad_credentials", NULL, "the login or the password is wrong");
}

/* GET /api/session: 200 with the signed-in user (session_answer), or its
 * failure. */
static void
session_get(const struct api_req *rq, struct db *db, struct http_response *res)
{
	(void)session_answer(db, rq->user.id, rq->user.csrf, res);
}

/* DELETE /api/session: 200 {} with the cookie cleared, or the db failure. */
static void
session_delete(const struct api_req *rq, struct db *db, struct http_response *res)
{
	enum db_rc rc = db_session_end(db, rq->user.token_hash);

	if (rc != DB_OK) {
		api_db_error(res, db, rc, NULL);
		return;
	}
	api_clear_cookie(res);
	http_json(res, 200, json_object_new_object());
}

const struct api_endpoint ep_session_create = {
    .handler = session_create, .body = signin_fields, .nbody = S_N};
const struct api_endpoint ep_session_get = {
    .handler = session_get, .flags = API_SIGNED, .role = ROLE_VIEWER};
const struct api_endpoint ep_session_delete = {
    .handler = session_delete, .flags = API_SIGNED | API_CSRF, .role = ROLE_VIEWER};
