/* Rendering what the db layer returned as an HTTP answer. A refusal by the
 * database is looked up in the one table of db/refusal.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "refusal.h"

static void
refused(struct http_response *res, const struct db_fault *f)
{
	const struct db_refusal *r = db_refusal_of(f);

	http_error(res, r->status, r->code, r->field, "%s", db_refusal_message(r, f));
	if (r->status == 503)
		http_set_header(res, "Retry-After", "5");
}

void
api_db_error(struct http_response *res, struct db *db, enum db_rc rc, const char *what)
{
	switch (rc) {
	case DB_MISSING:
		http_error(res, 404, "not_found", NULL, "no such %s", what ? what : "record");
		break;
	case DB_DENIED:
		http_error(res, 403, "forbidden", NULL, "not allowed for this user");
		break;
	case DB_STALE:
		http_error(res, 409, "conflict", NULL, "the record was changed by someone else");
		break;
	case DB_REFUSED:
		refused(res, db_last_fault(db));
		break;
	case DB_AWAY:
		http_error_db(res);
		break;
	case DB_OK:
	case DB_BUG:
	default:
		http_error(res, 500, "internal", NULL, "the query failed; the error was logged");
		break;
	}
}

void
api_reply(struct http_response *res, struct db *db, enum db_rc rc, char **json, int status,
          const char *what)
{
	char *text = *json;

	*json = NULL;
	if (rc == DB_OK && text != NULL) {
		http_json_text(res, status, text);
		return;
	}
	free(text);
	api_db_error(res, db, rc == DB_OK ? DB_BUG : rc, what);
}

void
api_etag(struct http_response *res, long long version)
{
	char v[32];

	snprintf(v, sizeof v, "\"%lld\"", version);
	http_set_header(res, "ETag", v);
}

void
api_written(struct http_response *res, struct db *db, enum db_rc rc, char **json, int64_t version,
            int status, const char *what)
{
	if ((rc == DB_OK || rc == DB_STALE) && *json != NULL) {
		api_reply(res, db, DB_OK, json, rc == DB_OK ? status : 409, what);
		api_etag(res, version);
		return;
	}
	api_reply(res, db, rc == DB_OK || rc == DB_STALE ? DB_BUG : rc, json, status, what);
}
