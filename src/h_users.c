/* /api/users: admins create users, change their role, department or
 * name, deactivate them and reset passwords; anyone changes their own
 * password with the current one. A change of rights or password ends the
 * user's other sessions at once, so it takes effect on the next request. */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "json_body.h"
#include "valid.h"

#define F_DISPLAY(req)                                                                             \
	{                                                                                          \
		"display_name", JB_TEXT, req, 0, 100, false, true, NULL                            \
	}
#define F_ROLE(req)                                                                                \
	{                                                                                          \
		"role", JB_TEXT, req, 0, 10, false, true, valid_role                               \
	}
#define F_PASSWORD                                                                                 \
	{                                                                                          \
		"password", JB_TEXT, true, 0, 200, false, true, valid_password                     \
	}

enum { C_LOGIN, C_DISPLAY, C_ROLE, C_DEPT, C_PASSWORD, C_N };

static const struct json_bfield create_fields[C_N] = {
    [C_LOGIN] = {"login", JB_TEXT, true, 0, 40, false, true, valid_login},
    [C_DISPLAY] = F_DISPLAY(true),
    [C_ROLE] = F_ROLE(true),
    [C_DEPT] = {"department_id", JB_INT, false, 1, INT32_MAX, false, false, NULL},
    [C_PASSWORD] = F_PASSWORD,
};

enum { P_DISPLAY, P_ROLE, P_DEPT, P_ACTIVE, P_N };

static const struct json_bfield patch_fields[P_N] = {
    [P_DISPLAY] = F_DISPLAY(false),
    [P_ROLE] = F_ROLE(false),
    /* 0 takes the department away (viewers and admins need none). */
    [P_DEPT] = {"department_id", JB_INT, false, 0, INT32_MAX, false, false, NULL},
    [P_ACTIVE] = {"active", JB_BOOL, false, 0, 0, false, false, NULL},
};

enum { W_PASSWORD, W_CURRENT, W_N };

static const struct json_bfield password_fields[W_N] = {
    [W_PASSWORD] = F_PASSWORD,
    [W_CURRENT] = {"current_password", JB_TEXT, false, 0, 200, false, true, NULL},
};

/* Staff and managers act for a department, so they must have one. */
static bool
department_needed(const char *role, bool has_department, struct http_response *res)
{
	if (has_department || (strcmp(role, "staff") != 0 && strcmp(role, "manager") != 0))
		return false;
	http_error(res, 400, "bad_field", "department_id",
	           "department_id: required for the role %s", role);
	return true;
}

/* Ends user id's sessions but keep (NULL: all) inside the transaction. */
static int
end_sessions(struct db *db, const char *id, const char *keep, struct http_response *res)
{
	const char *p[2] = {id, keep};
	PGresult *r = h_tx_exec(db, "session_end_user", 2, p, res);

	PQclear(r);
	return r != NULL ? 0 : -1;
}

void
h_users_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[1];
	struct auth_user u;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    auth_require(req, db, 0, ROLE_ADMIN, &u, res) != 0)
		return;
	h_json_query(db, "user_list", 0, NULL, res, "users", 0);
}

void
h_users_create(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[C_N];
	struct json_body body;
	struct http_qresult q[1];
	struct auth_user u;
	char hash[AUTH_HASH_MAX], dept[24];
	const char *p[5];
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    json_body_parse(req, create_fields, C_N, v, &body, res) != 0)
		return;
	if (!department_needed(v[C_ROLE].s, v[C_DEPT].present, res) &&
	    auth_require(req, db, AUTH_CSRF, ROLE_ADMIN, &u, res) == 0) {
		/* Hashing takes a noticeable moment: before the transaction. */
		if (auth_password_hash(v[C_PASSWORD].s, hash) != 0) {
			http_error(res, 500, "internal", NULL, "the password could not be hashed");
		} else if (h_begin(db, &u, res) == 0) {
			p[0] = v[C_LOGIN].s, p[1] = v[C_DISPLAY].s, p[2] = v[C_ROLE].s;
			p[3] = h_param_int(dept, v[C_DEPT].present, v[C_DEPT].i), p[4] = hash;
			if ((r = h_tx_exec(db, "user_create", 5, p, res)) != NULL) {
				p[0] = PQgetvalue(r, 0, 0);
				if (h_tx_json(db, "user_get", 1, p, 201, res) == 0)
					h_commit(db, res);
				PQclear(r);
			}
		}
	}
	json_body_free(&body);
}

/* An admin may not lock themselves out: no self-demotion or deactivation. */
static bool
self_lockout(const struct auth_user *u, int64_t id, const struct json_bvalue *v,
             struct http_response *res)
{
	if (u->id != id || ((!v[P_ROLE].present || strcmp(v[P_ROLE].s, "admin") == 0) &&
	                    (!v[P_ACTIVE].present || v[P_ACTIVE].b)))
		return false;
	http_error(res, 403, "forbidden", v[P_ROLE].present ? "role" : "active",
	           "admins cannot demote or deactivate themselves; another admin can");
	return true;
}

/* The update matched no row: no such user, or a stale version. */
static const struct h_refusal user_refusal = {"user_why", "user_get", 1, "no such user",
                                              "not allowed for this user"};

/* Applies the validated patch v inside the transaction. */
static void
user_update(struct db *db, const char *const *key, const struct json_bvalue *v,
            struct http_response *res)
{
	char dept[24], active[2] = {0};
	const char *p[6] = {key[0], key[1], NULL, NULL, NULL, NULL};
	PGresult *r;
	long long version;

	p[2] = v[P_DISPLAY].present ? v[P_DISPLAY].s : NULL;
	p[3] = v[P_ROLE].present ? v[P_ROLE].s : NULL;
	p[4] = h_param_int(dept, v[P_DEPT].present, v[P_DEPT].i);
	active[0] = v[P_ACTIVE].b ? 't' : 'f';
	p[5] = v[P_ACTIVE].present ? active : NULL;
	if ((r = h_tx_exec(db, "user_update", 6, p, res)) == NULL)
		return;
	if (PQntuples(r) == 0) {
		PQclear(r);
		h_refused(db, &user_refusal, key, res);
		return;
	}
	version = atoll(PQgetvalue(r, 0, 0));
	if ((strcmp(PQgetvalue(r, 0, 1), "t") != 0 || end_sessions(db, key[0], NULL, res) == 0) &&
	    h_tx_json(db, "user_get", 1, key, 200, res) == 0 && h_commit(db, res) == 0)
		h_etag(res, version);
	PQclear(r);
}

void
h_users_patch(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[P_N];
	struct json_body body;
	struct http_qresult q[1];
	struct auth_user u;
	char id[24], ver[24];
	const char *key[2] = {h_param_int(id, true, req->captures[0]), ver};
	int64_t version;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    json_body_parse(req, patch_fields, P_N, v, &body, res) != 0)
		return;
	if (!v[P_DISPLAY].present && !v[P_ROLE].present && !v[P_DEPT].present &&
	    !v[P_ACTIVE].present)
		http_error(res, 400, "bad_body", NULL,
		           "nothing to change: send display_name, role, department_id or active");
	else if (h_if_match(req, &version, res) &&
	         auth_require(req, db, AUTH_CSRF, ROLE_ADMIN, &u, res) == 0 &&
	         !self_lockout(&u, req->captures[0], v, res) && h_begin(db, &u, res) == 0) {
		h_param_int(ver, true, version);
		user_update(db, key, v, res);
	}
	json_body_free(&body);
}

/* Someone changing their own password proves they know the current one,
 * so a session left open on a shared desk cannot take the account over. */
static int
password_allowed(struct db *db, const struct auth_user *u, int64_t id, const char *current,
                 const char *const *key, struct http_response *res)
{
	PGresult *r;
	bool ok;

	if (u->role == ROLE_ADMIN && u->id != id)
		return 0;
	if (u->id != id) {
		http_error(res, 403, "forbidden", NULL, "only admins set other users' passwords");
		return -1;
	}
	if (current == NULL) {
		http_error(res, 400, "bad_field", "current_password",
		           "current_password: required to change your own password");
		return -1;
	}
	if ((r = db_exec(db, "user_hash", 1, key)) == NULL || !db_ok(r)) {
		PQclear(r);
		http_error_db(res);
		return -1;
	}
	ok = PQntuples(r) == 1 && auth_password_verify(PQgetvalue(r, 0, 0), current);
	PQclear(r);
	if (ok)
		return 0;
	http_error(res, 403, "bad_credentials", "current_password",
	           "current_password: not the current password");
	return -1;
}

void
h_users_password(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_bvalue v[W_N];
	struct json_body body;
	struct http_qresult q[1];
	struct auth_user u;
	char id[24], hash[AUTH_HASH_MAX];
	const char *key[2] = {h_param_int(id, true, req->captures[0]), hash};
	PGresult *r;

	if (http_query_validate(req, NULL, 0, q, res) != 0 ||
	    json_body_parse(req, password_fields, W_N, v, &body, res) != 0)
		return;
	if (auth_require(req, db, AUTH_CSRF, ROLE_VIEWER, &u, res) == 0 &&
	    password_allowed(db, &u, req->captures[0], v[W_CURRENT].present ? v[W_CURRENT].s : NULL,
	                     key, res) == 0) {
		if (auth_password_hash(v[W_PASSWORD].s, hash) != 0) {
			http_error(res, 500, "internal", NULL, "the password could not be hashed");
		} else if (h_begin(db, &u, res) == 0 &&
		           (r = h_tx_exec(db, "user_password", 2, key, res)) != NULL) {
			if (PQntuples(r) == 0) {
				h_rollback(db);
				http_error(res, 404, "not_found", NULL, "no user with id %s", id);
			} else if (end_sessions(db, id,
			                        u.id == req->captures[0] ? u.token_hash : NULL,
			                        res) == 0 &&
			           h_tx_json(db, "user_get", 1, key, 200, res) == 0) {
				h_commit(db, res);
			}
			PQclear(r);
		}
	}
	json_body_free(&body);
}
