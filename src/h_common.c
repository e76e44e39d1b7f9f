/* Small pieces every handler uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"

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
