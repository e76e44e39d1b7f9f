/* See fake_db.h. */
#include "fake_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "scale.h"
#include "test_util.h"
#include "session.h"
#include "version.h"

struct fake_db_state fake_db;

struct db *
fake_db_handle(void)
{
	static char handle;

	return (struct db *)(void *)&handle;
}

void
fake_db_reset(void)
{
	memset(&fake_db, 0, sizeof fake_db);
	test_load_scale();
}

void
fake_sign_in(const char *role, int user_id, int department_id)
{
	snprintf(fake_db.role, sizeof fake_db.role, "%s", role);
	fake_db.user_id = user_id;
	fake_db.department_id = department_id;
}

void
fake_fault(const char *sqlstate, const char *constraint, const char *message)
{
	snprintf(fake_db.fault.sqlstate, sizeof fake_db.fault.sqlstate, "%s", sqlstate);
	snprintf(fake_db.fault.constraint, sizeof fake_db.fault.constraint, "%s", constraint);
	snprintf(fake_db.fault.message, sizeof fake_db.fault.message, "%s", message);
}

/* ---- the db core, faked ---- */

int
db_ensure(struct db *db)
{
	(void)db;
	return 0;
}

const struct db_fault *
db_last_fault(const struct db *db)
{
	(void)db;
	return &fake_db.fault;
}

bool
db_in_transaction(const struct db *db)
{
	(void)db;
	return fake_db.in_transaction;
}

void
db_abandon(struct db *db)
{
	(void)db;
	fake_db.in_transaction = false;
}

int64_t
db_version_current(struct db *db)
{
	(void)db;
	return fake_db.version;
}

void
db_version_refresh(struct db *db)
{
	(void)db;
	fake_db.version_reads++;
}

enum db_rc
db_session_find(struct db *db, const char *token_hash, int idle_minutes, int max_hours,
                struct db_session_user *out)
{
	(void)db, (void)token_hash, (void)idle_minutes, (void)max_hours;
	fake_db.session_lookups++;
	memset(out, 0, sizeof *out);
	if (fake_db.session_rc != DB_OK)
		return fake_db.session_rc;
	if (fake_db.role[0] == '\0')
		return DB_MISSING;
	out->id = fake_db.user_id;
	out->department_id = fake_db.department_id;
	snprintf(out->login, sizeof out->login, "user%d", fake_db.user_id);
	snprintf(out->role, sizeof out->role, "%s", fake_db.role);
	snprintf(out->csrf, sizeof out->csrf, "%s", FAKE_CSRF);
	return DB_OK;
}

/* ---- requests ---- */

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void
fake_call_typed(const struct api_endpoint *ep, enum http_method method, const char *pattern,
                const char *path, const char *query, const char *body, const char *type,
                const char *if_match, bool signed_in, struct http_response *res)
{
	struct http_route route = {method, pattern, ep};
	struct http_request req;

	memset(&req, 0, sizeof req);
	memset(res, 0, sizeof *res);
	req.method = method;
	req.method_name = strdup(http_method_name(method));
	req.path = strdup(path);
	req.query = strdup(query ? query : "");
	req.if_match = dup_or_null(if_match);
	req.remote_addr = strdup("127.0.0.1");
	if (body != NULL) {
		req.body = strdup(body);
		req.content_length = strlen(body);
		req.content_type = dup_or_null(type);
	}
	if (signed_in) {
		req.cookie = strdup("sid=" FAKE_SID);
		req.csrf_token = strdup(FAKE_CSRF);
	}
	api_dispatch(&route, 1, &req, fake_db_handle(), res);
	http_request_free(&req);
}

void
fake_call(const struct api_endpoint *ep, enum http_method method, const char *pattern,
          const char *path, const char *query, const char *body, const char *if_match,
          bool signed_in, struct http_response *res)
{
	fake_call_typed(ep, method, pattern, path, query, body, "application/json", if_match,
	                signed_in, res);
}

static const char *
error_part(const struct http_response *res, const char *key, char *buf, size_t size)
{
	struct json_object *o = res->body ? json_tokener_parse(res->body) : NULL, *e, *v;

	buf[0] = '\0';
	if (o != NULL && json_object_object_get_ex(o, "error", &e) &&
	    json_object_object_get_ex(e, key, &v))
		snprintf(buf, size, "%s", json_object_get_string(v));
	json_object_put(o);
	return buf;
}

const char *
fake_error_code(const struct http_response *res)
{
	static char buf[64];

	return error_part(res, "code", buf, sizeof buf);
}

const char *
fake_error_field(const struct http_response *res)
{
	static char buf[64];

	return error_part(res, "field", buf, sizeof buf);
}

void
fake_expect(struct http_response *res, int status, const char *code, const char *field)
{
	assert_int_equal(res->status, status);
	assert_string_equal(fake_error_code(res), code);
	if (field != NULL)
		assert_string_equal(fake_error_field(res), field);
	http_response_free(res);
}

const char *
fake_hold(const char *s)
{
	/* A ring: a test reads what the last few calls kept. */
	static char *held[64];
	static size_t next;
	char *copy;

	if (s == NULL)
		return NULL;
	copy = strdup(s);
	assert_non_null(copy);
	free(held[next]);
	held[next] = copy;
	next = (next + 1) % (sizeof held / sizeof held[0]);
	return copy;
}
