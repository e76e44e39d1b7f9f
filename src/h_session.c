/* POST/GET/DELETE /api/session: sign in, who am I, sign out. A failed
 * sign-in answers the same for an unknown login, an inactive user and a
 * wrong password, and costs the same time, so logins cannot be probed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "auth.h"
#include "handlers.h"
#include "json_body.h"

enum { S_LOGIN, S_PASSWORD, S_N };

static const struct json_bfield signin_fields[S_N] = {
    [S_LOGIN] = {"login", JB_TEXT, true, 0, 40, false, true, NULL},
    [S_PASSWORD] = {"password", JB_TEXT, true, 0, 200, false, true, NULL},
};

/* 429 when this login or this address failed too often lately. */
static int
throttled(struct db *db, const char *login, const char *addr, struct http_response *res)
{
	char mins[16], wait[24];
	const char *p[3] = {login, addr, mins};
	PGresult *r;
	long login_n, addr_n, secs = 0;

	snprintf(mins, sizeof mins, "%d", auth_lock_minutes());
	if ((r = db_exec(db, "session_throttle", 3, p)) == NULL || !db_ok(r)) {
		PQclear(r);
		http_error_db(res);
		return -1;
	}
	login_n = atol(PQgetvalue(r, 0, 0));
	addr_n = atol(PQgetvalue(r, 0, 1));
	if (login_n >= auth_login_max_failures())
		secs = atol(PQgetvalue(r, 0, 2));
	if (addr_n >= auth_addr_max_failures() && atol(PQgetvalue(r, 0, 3)) > secs)
		secs = atol(PQgetvalue(r, 0, 3));
	PQclear(r);
	if (login_n < auth_login_max_failures() && addr_n < auth_addr_max_failures())
		return 0;
	snprintf(wait, sizeof wait, "%ld", secs > 0 ? secs : 1);
	http_add_header(res, "Retry-After", wait);
	http_error(res, 429, "too_many_attempts", NULL,
	           "too many failed sign-ins; try again in %s seconds", wait);
	return -1;
}

/* The user id when login and password match an active user, else 0. */
static int
check_password(struct db *db, const char *login, const char *password, struct http_response *res)
{
	PGresult *r = db_exec(db, "session_login", 1, &login);
	int id = 0;

	if (r == NULL || !db_ok(r)) {
		PQclear(r);
		http_error_db(res);
		return -1;
	}
	if (PQntuples(r) == 1 && auth_password_verify(PQgetvalue(r, 0, 1), password) &&
	    strcmp(PQgetvalue(r, 0, 2), "t") == 0)
		id = atoi(PQgetvalue(r, 0, 0));
	else if (PQntuples(r) == 0)
		auth_password_burn(password);
	PQclear(r);
	return id;
}

/* {"user": {...}, "csrf_token": "..."} for user id. */
static void
session_answer(struct db *db, int id, const char *csrf, int status, struct http_response *res)
{
	char uid[24];
	const char *p[1] = {h_param_int(uid, true, id)};
	PGresult *r = db_exec(db, "session_user", 1, p);
	struct json_object *o, *user;

	if (r == NULL || !db_ok(r) || PQntuples(r) != 1) {
		PQclear(r);
		http_error_db(res);
		return;
	}
	user = json_tokener_parse(PQgetvalue(r, 0, 0));
	PQclear(r);
	o = json_object_new_object();
	json_object_object_add(o, "user", user);
	json_object_object_add(o, "csrf_token", json_object_new_string(csrf));
	json_object_object_add(o, "idle_minutes", json_object_new_int(auth_idle_minutes()));
	http_add_header(res, "Cache-Control", "no-store");
	http_json(res, status, o);
}

/* A new session for user id: cookie, CSRF token, the answer. */
static void
session_start(struct db *db, int id, const char *login, struct http_response *res)
{
	char token[AUTH_TOKEN_HEX], hash[AUTH_TOKEN_HEX], csrf[AUTH_TOKEN_HEX], uid[24];
	const char *create[3] = {hash, h_param_int(uid, true, id), csrf};
	PGresult *r;
	bool ok;

	auth_token_new(token);
	auth_token_hash(token, hash);
	auth_token_new(csrf);
	r = db_exec(db, "session_create", 3, create);
	ok = db_ok(r);
	PQclear(r);
	if (!ok) {
		http_error_db(res);
		return;
	}
	PQclear(db_exec(db, "session_clear_failures", 1, &login));
	auth_set_cookie(res, token);
	session_answer(db, id, csrf, 200, res);
}

void
h_session_create(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[S_N];
	struct json_body body;
	const char *fail[2];
	int id;

	if (json_body_parse(req, signin_fields, S_N, v, &body, res) != 0)
		return;
	fail[0] = v[S_LOGIN].s;
	fail[1] = req->remote_addr ? req->remote_addr : "-";
	if (db_ensure(db, app_statements) != 0)
		http_error_db(res);
	else if (throttled(db, fail[0], fail[1], res) != 0)
		; /* res is the 429 (or 503) */
	else if ((id = check_password(db, fail[0], v[S_PASSWORD].s, res)) > 0)
		session_start(db, id, fail[0], res);
	else if (id == 0) {
		PQclear(db_exec(db, "session_fail", 2, fail));
		http_error(res, 401, "bad_credentials", NULL, "the login or the password is wrong");
	}
	json_body_free(&body);
}

void
h_session_get(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	struct auth_user u;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    auth_require(req, db, 0, ROLE_VIEWER, &u, res) != 0)
		return;
	session_answer(db, u.id, u.csrf, 200, res);
}

void
h_session_delete(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	struct auth_user u;
	const char *p[1];
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    auth_require(req, db, AUTH_CSRF, ROLE_VIEWER, &u, res) != 0)
		return;
	p[0] = u.token_hash;
	r = db_exec(db, "session_end", 1, p);
	if (!db_ok(r)) {
		http_error_db(res);
	} else {
		auth_clear_cookie(res);
		http_json(res, 200, json_object_new_object());
	}
	PQclear(r);
}
