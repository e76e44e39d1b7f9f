/* /api/users: admins create users, change their role, department or
 * name, deactivate them and reset passwords; anyone changes their own
 * password with the current one. A change of rights or password ends the
 * user's other sessions at once (in the same transaction), so it takes
 * effect on the next request. */
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "endpoints.h"
#include "user.h"

#define F_DISPLAY(req)                                                                             \
	{                                                                                          \
		.name = "display_name", .kind = JB_TEXT, .required = req, .max = 100,              \
		.nonempty = true                                                                   \
	}
#define F_ROLE(req)                                                                                \
	{                                                                                          \
		.name = "role", .kind = JB_TEXT, .required = req, .max = 10, .nonempty = true,     \
		.valid = valid_role                                                                \
	}
#define F_PASSWORD                                                                                 \
	{                                                                                          \
		.name = "password", .kind = JB_TEXT, .required = true, .max = 200,                 \
		.nonempty = true, .valid = valid_password                                          \
	}

enum { C_LOGIN, C_DISPLAY, C_ROLE, C_DEPT, C_PASSWORD, C_N };

static const struct json_bfield create_fields[C_N] = {
    [C_LOGIN] = {.name = "login",
                 .kind = JB_TEXT,
                 .required = true,
                 .max = 40,
                 .nonempty = true,
                 .valid = valid_login},
    [C_DISPLAY] = F_DISPLAY(true),
    [C_ROLE] = F_ROLE(true),
    [C_DEPT] = {.name = "department_id", .kind = JB_INT, .min = 1, .max = INT32_MAX},
    [C_PASSWORD] = F_PASSWORD,
};

enum { P_DISPLAY, P_ROLE, P_DEPT, P_ACTIVE, P_N };

static const struct json_bfield patch_fields[P_N] = {
    [P_DISPLAY] = F_DISPLAY(false),
    [P_ROLE] = F_ROLE(false),
    /* 0 takes the department away (viewers and admins need none). */
    [P_DEPT] = {.name = "department_id", .kind = JB_INT, .min = 0, .max = INT32_MAX},
    [P_ACTIVE] = {.name = "active", .kind = JB_BOOL},
};

enum { W_PASSWORD, W_CURRENT, W_N };

static const struct json_bfield password_fields[W_N] = {
    [W_PASSWORD] = F_PASSWORD,
    [W_CURRENT] = {.name = "current_password", .kind = JB_TEXT, .max = 200, .nonempty = true},
};

/* Overwrites a password the door parsed, in place: rq->b[k].s is the
 * json-c string of rq->body (a heap buffer of exactly strlen bytes, the
 * door checked there is no NUL inside), the only copy the handler can
 * reach. Harmless twice. */
static void
wipe_field(const struct api_req *rq, int k)
{
	if (rq->b[k].present && rq->b[k].s != NULL)
		crypto_wipe((char *)rq->b[k].s, strlen(rq->b[k].s));
}

/* Hashes the password of field k into hash, then wipes it. 0, or -1 with
 * res set to a 500. */
static int
hash_field(const struct api_req *rq, int k, char hash[CRYPTO_HASH_MAX], struct http_response *res)
{
	int rc = crypto_password_hash(rq->b[k].s, hash);

	wipe_field(rq, k);
	if (rc == 0)
		return 0;
	http_error(res, 500, "internal", NULL, "the password could not be hashed");
	return -1;
}

/* POST /api/users, before the session: staff and managers act for a
 * department, so they must have one. 0, or -1 with a 400 naming
 * department_id. */
static int
create_check(const struct api_req *rq, struct http_response *res)
{
	const char *role = rq->b[C_ROLE].s;

	if (rq->b[C_DEPT].present || (strcmp(role, "staff") != 0 && strcmp(role, "manager") != 0))
		return 0;
	http_error(res, 400, "bad_field", "department_id",
	           "department_id: required for the role %s", role);
	return -1;
}

/* GET /api/users: 200 {"items": [...]}, or the db failure. */
static void
users_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	(void)rq;
	api_reply(res, db, db_user_list(db, &json), &json, 200, "users");
}

/* POST /api/users: 201 with the new user; 500 when the password cannot be
 * hashed; else the db refusal (409 field login for a duplicate) or
 * failure. The password is wiped once hashed. */
static void
users_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char hash[CRYPTO_HASH_MAX], *json = NULL;
	struct db_user_new u = {
	    .login = rq->b[C_LOGIN].s,
	    .display_name = rq->b[C_DISPLAY].s,
	    .role = rq->b[C_ROLE].s,
	    .department_id = rq->b[C_DEPT].present ? rq->b[C_DEPT].i : 0,
	    .password_hash = hash,
	};

	/* Hashing takes a noticeable moment: before the transaction. */
	if (hash_field(rq, C_PASSWORD, hash, res) != 0)
		return;
	api_reply(res, db, db_user_create(db, rq->user.id, &u, &json), &json, 201, "user");
	crypto_wipe(hash, sizeof hash);
}

/* PATCH /api/users/{id}, before the session: something to change. */
static int
patch_check(const struct api_req *rq, struct http_response *res)
{
	if (rq->b[P_DISPLAY].present || rq->b[P_ROLE].present || rq->b[P_DEPT].present ||
	    rq->b[P_ACTIVE].present)
		return 0;
	http_error(res, 400, "bad_body", NULL,
	           "nothing to change: send display_name, role, department_id or active");
	return -1;
}

/* An admin may not lock themselves out: no self-demotion or deactivation.
 * true with a 403 set. */
static bool
self_lockout(const struct api_req *rq, struct http_response *res)
{
	const struct json_bvalue *v = rq->b;

	if (rq->user.id != rq->cap[0] ||
	    ((!v[P_ROLE].present || strcmp(v[P_ROLE].s, "admin") == 0) &&
	     (!v[P_ACTIVE].present || v[P_ACTIVE].b)))
		return false;
	http_error(res, 403, "forbidden", v[P_ROLE].present ? "role" : "active",
	           "admins cannot demote or deactivate themselves; another admin can");
	return true;
}

/* PATCH /api/users/{id}: 200 with the user and its ETag; 403 for a
 * self-lockout (nothing written); 409 with the current user and its ETag
 * when If-Match is stale; else the db refusal (the last active admin) or
 * failure (404 for no such user). */
static void
users_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	const struct json_bvalue *v = rq->b;
	struct db_user_patch p = {
	    .display_name = v[P_DISPLAY].present ? v[P_DISPLAY].s : NULL,
	    .role = v[P_ROLE].present ? v[P_ROLE].s : NULL,
	    .set_department = v[P_DEPT].present,
	    .department_id = v[P_DEPT].i,
	    .set_active = v[P_ACTIVE].present,
	    .active = v[P_ACTIVE].b,
	};
	int64_t version;
	char *json = NULL;
	enum db_rc rc;

	if (self_lockout(rq, res))
		return;
	rc = db_user_update(db, rq->user.id, rq->cap[0], rq->version, &p, &json, &version);
	api_written(res, db, rc, &json, version, 200, "user");
}

/* Someone changing their own password proves they know the current one,
 * so a session left open on a shared desk cannot take the account over.
 * 0 (go on), or -1 with res set: 403 for a non-admin naming another user,
 * 400 without current_password, 403 bad_credentials when it is wrong, or
 * the db failure. current_password is wiped once checked. */
static int
password_allowed(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char hash[CRYPTO_HASH_MAX];
	enum db_rc rc;
	bool ok;

	if (rq->user.id != rq->cap[0]) {
		if (rq->user.role == ROLE_ADMIN)
			return 0;
		http_error(res, 403, "forbidden", NULL, "only admins set other users' passwords");
		return -1;
	}
	if (!rq->b[W_CURRENT].present) {
		http_error(res, 400, "bad_field", "current_password",
		           "current_password: required to change your own password");
		return -1;
	}
	rc = db_user_password_hash(db, rq->cap[0], hash);
	ok = rc == DB_OK && crypto_password_verify(hash, rq->b[W_CURRENT].s);
	crypto_wipe(hash, sizeof hash);
	wipe_field(rq, W_CURRENT);
	if (rc != DB_OK && rc != DB_MISSING) {
		api_db_error(res, db, rc, NULL);
		return -1;
	}
	if (ok)
		return 0;
	http_error(res, 403, "bad_credentials", "current_password",
	           "current_password: not the current password");
	return -1;
}

/* POST /api/users/{id}/password: 200 with the user (the user's other
 * sessions ended, the one making a change of its own kept); the refusals
 * of password_allowed; 500 when the password cannot be hashed; else the db
 * failure (404 for no such user). Both passwords are wiped on every way
 * out. */
static void
users_password(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char hash[CRYPTO_HASH_MAX], *json = NULL;
	bool self = rq->user.id == rq->cap[0];
	enum db_rc rc;

	if (password_allowed(rq, db, res) == 0 && hash_field(rq, W_PASSWORD, hash, res) == 0) {
		rc = db_user_set_password(db, rq->user.id, rq->cap[0], hash,
		                          self ? rq->user.token_hash : NULL, &json);
		api_reply(res, db, rc, &json, 200, "user");
		crypto_wipe(hash, sizeof hash);
	}
	wipe_field(rq, W_PASSWORD);
	wipe_field(rq, W_CURRENT);
}

const struct api_endpoint ep_users_list = {
    .handler = users_list, .flags = API_SIGNED, .role = ROLE_ADMIN};
const struct api_endpoint ep_users_create = {.handler = users_create,
                                             .body = create_fields,
                                             .nbody = C_N,
                                             .flags = API_SIGNED | API_CSRF,
                                             .role = ROLE_ADMIN,
                                             .check = create_check};
const struct api_endpoint ep_users_patch = {.handler = users_patch,
                                            .body = patch_fields,
                                            .nbody = P_N,
                                            .flags = API_SIGNED | API_CSRF | API_IF_MATCH,
                                            .role = ROLE_ADMIN,
                                            .check = patch_check};
const struct api_endpoint ep_users_password = {.handler = users_password,
                                               .body = password_fields,
                                               .nbody = W_N,
                                               .flags = API_SIGNED | API_CSRF,
                                               .role = ROLE_VIEWER};
