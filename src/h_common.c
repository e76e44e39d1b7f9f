/* Small pieces every handler uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "valid.h"

const char *
h_param_int(char buf[24], bool present, int64_t v)
{
	if (!present)
		return NULL;
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

void
h_json_query(struct db *db, const char *stmt, int n, const char *const *params,
             struct http_response *res, const char *what, long long id)
{
	PGresult *r = NULL;
	char *body;

	/* Connected only here, after the handler validated its input: a bad
	 * request is a 400 even while the database is away. A connection that
	 * broke since the last request (the server restarted) gets one retry on
	 * a fresh one, which is safe for these reads. */
	if (db_ensure(db, app_statements) == 0 && (r = db_exec(db, stmt, n, params)) == NULL &&
	    db_ensure(db, app_statements) == 0)
		r = db_exec(db, stmt, n, params);
	if (r == NULL) {
		http_error_db(res);
		return;
	}
	if (!db_ok(r)) {
		http_error(res, 500, "internal", NULL, "the query failed; the error was logged");
	} else if (PQntuples(r) == 0 || PQgetisnull(r, 0, 0)) {
		http_error(res, 404, "not_found", NULL, "no %s with id %lld", what, id);
	} else if ((body = strdup(PQgetvalue(r, 0, 0))) == NULL) {
		http_error(res, 500, "internal", NULL, "out of memory");
	} else {
		http_json_text(res, 200, body);
	}
	PQclear(r);
}

int
h_begin(struct db *db, const struct auth_user *u, struct http_response *res)
{
	if (db_ensure(db, app_statements) == 0 && db_begin(db, u->id, "api") == 0)
		return 0;
	http_error_db(res);
	return -1;
}

void
h_rollback(struct db *db)
{
	/* Harmless when the connection is gone: the server rolls back. */
	if (db_conn(db) != NULL && PQtransactionStatus(db_conn(db)) != PQTRANS_IDLE)
		db_command(db, "ROLLBACK", 0, NULL);
}

int
h_commit(struct db *db, struct http_response *res)
{
	if (db_command(db, "COMMIT", 0, NULL) == 0)
		return 0;
	h_rollback(db);
	http_response_free(res);
	http_error_db(res);
	return -1;
}

/* SQLSTATE classes a write can meet, mapped to what the client did. */
static void
h_error_write(struct http_response *res, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *constraint = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;

	if (r == NULL)
		http_error_db(res);
	else if (state != NULL && strcmp(state, "23505") == 0)
		http_error(res, 409, "conflict", NULL, "this would duplicate %s",
		           constraint ? constraint : "an existing record");
	else if (state != NULL && strcmp(state, "SHLCK") == 0)
		/* A locked fiscal year (sql/004): the message says which. */
		http_error(res, 409, "locked", NULL, "%s",
		           PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
	else if (state != NULL && strcmp(state, "42501") == 0)
		http_error(res, 403, "forbidden", NULL, "not allowed for this user");
	else if (state != NULL && strncmp(state, "23", 2) == 0)
		http_error(res, 400, "constraint", NULL, "refused by the rule %s",
		           constraint ? constraint : "of the database");
	else
		http_error(res, 500, "internal", NULL, "the write failed; the error was logged");
}

PGresult *
h_tx_exec(struct db *db, const char *stmt, int n, const char *const *params,
          struct http_response *res)
{
	PGresult *r = db_exec(db, stmt, n, params);

	if (db_ok(r))
		return r;
	h_error_write(res, r);
	PQclear(r);
	h_rollback(db);
	return NULL;
}

int
h_tx_json(struct db *db, const char *stmt, int n, const char *const *params, int status,
          struct http_response *res)
{
	PGresult *r = h_tx_exec(db, stmt, n, params, res);
	char *body;

	if (r == NULL)
		return -1;
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0) ||
	    (body = strdup(PQgetvalue(r, 0, 0))) == NULL) {
		PQclear(r);
		h_rollback(db);
		http_error(res, 500, "internal", NULL, "the answer could not be built");
		return -1;
	}
	PQclear(r);
	http_json_text(res, status, body);
	return 0;
}

bool
h_if_match(const struct http_request *req, int64_t *version, struct http_response *res)
{
	const char *v = req->if_match;
	char digits[24];
	size_t n;

	if (v == NULL) {
		http_error(res, 428, "precondition_required", "If-Match",
		           "If-Match with the record's version is required");
		return false;
	}
	/* 3, "3" or W/"3": the version the client last read (its ETag). */
	if (strncmp(v, "W/", 2) == 0)
		v += 2;
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		v++, n -= 2;
	if (n == 0 || n >= sizeof digits) {
		http_error(res, 400, "bad_header", "If-Match",
		           "If-Match: must be a version number");
		return false;
	}
	memcpy(digits, v, n);
	digits[n] = '\0';
	if (!valid_int(digits, 1, INT32_MAX, version)) {
		http_error(res, 400, "bad_header", "If-Match",
		           "If-Match: must be a version number");
		return false;
	}
	return true;
}

void
h_etag(struct http_response *res, long long version)
{
	char v[32];

	snprintf(v, sizeof v, "\"%lld\"", version);
	http_add_header(res, "ETag", v);
}

void
h_refused(struct db *db, const struct h_refusal *how, const char *const *key,
          struct http_response *res)
{
	PGresult *r = h_tx_exec(db, how->why, how->nkey, key, res);

	if (r == NULL)
		return;
	if (PQntuples(r) == 0)
		http_error(res, 404, "not_found", NULL, "%s", how->missing);
	else if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
		http_error(res, 403, "forbidden", NULL, "%s", how->forbidden);
	else if (h_tx_json(db, how->get, how->nkey, key, 409, res) == 0)
		h_etag(res, atoll(PQgetvalue(r, 0, 1)));
	PQclear(r);
	h_rollback(db);
}
