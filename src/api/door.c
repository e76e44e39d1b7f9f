/* The door: every request is parsed and validated here, once, against
 * what its endpoint declares, and the session is resolved; the handler
 * then works on typed, trusted values (as kcgi's khttp_parse does). */
#include "api.h"

#include <string.h>

#include "log.h"
#include "version.h"

/* If-Match: 3, "3" or W/"3", the version the client last read (its ETag).
 * Returns 0, or -1 with res set: 428 when absent, 400 when malformed. */
static int
door_if_match(const char *v, int64_t *version, struct http_response *res)
{
	char digits[24];
	size_t n;

	if (v == NULL) {
		http_error(res, 428, "precondition_required", "If-Match",
		           "If-Match with the record's version is required");
		return -1;
	}
	if (strncmp(v, "W/", 2) == 0)
		v += 2;
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		v++, n -= 2;
	if (n == 0 || n >= sizeof digits)
		goto bad;
	memcpy(digits, v, n);
	digits[n] = '\0';
	if (valid_int(digits, 1, INT32_MAX, version))
		return 0;
bad:
	http_error(res, 400, "bad_header", "If-Match", "If-Match: must be a version number");
	return -1;
}

/* Everything but the session: captures, query, body, If-Match, the
 * endpoint's own cross-field rules. 0, or -1 with res set. */
static int
door_validate(const struct api_endpoint *ep, struct http_request *req, struct api_req *rq,
              struct http_response *res)
{
	if (ep->nquery > API_MAX_FIELDS || ep->nbody > API_MAX_FIELDS) {
		http_error(res, 500, "internal", NULL, "an endpoint declares too many fields");
		return -1;
	}
	if (http_query_validate(req, ep->query, ep->nquery, rq->q, res) != 0)
		return -1;
	if (ep->nbody > 0 && json_body_parse(req, ep->body, ep->nbody, rq->b, &rq->body, res) != 0)
		return -1;
	if (req->cookie != NULL && !http_cookie_sid(req->cookie, rq->sid))
		rq->sid[0] = '\0';
	if (ep->check != NULL && ep->check(rq, res) != 0)
		return -1;
	if ((ep->flags & API_IF_MATCH) && door_if_match(req->if_match, &rq->version, res) != 0)
		return -1;
	return 0;
}

const char *
api_btext(const struct api_req *rq, int k)
{
	return rq->b[k].present ? rq->b[k].s : NULL;
}

/* A handler must end every transaction it opens (db's dbi_tx does). One
 * left open is a bug: roll it back here, so the next request does not run
 * inside it, and answer 500 rather than claim success for a write that
 * will never commit. */
static void
door_check_transaction(struct db *db, const struct http_request *req, struct http_response *res)
{
	if (!db_in_transaction(db))
		return;
	db_abandon(db);
	log_error("%s %s left a transaction open; rolled back", req->method_name, req->path);
	http_response_free(res);
	http_error(res, 500, "internal", NULL, "the request was not completed; nothing was saved");
}

/* The handler, between the conditional checks of a GET; after a request
 * that may have written, the data version is read, so that every worker
 * knows of the write before its answer leaves. */
static void
door_run(const struct api_endpoint *ep, struct api_req *rq, struct db *db,
         struct http_response *res)
{
	struct api_cond c;

	if (api_cond_begin(ep, rq, db, &c, res) != 0)
		return;
	ep->handler(rq, db, res);
	api_cond_end(&c, rq, res);
	if (rq->http->method != HTTP_GET && rq->http->method != HTTP_HEAD)
		db_version_refresh(db);
}

void
api_dispatch(const struct http_route *routes, size_t nroutes, struct http_request *req,
             struct db *db, struct http_response *res)
{
	struct api_req rq;
	struct http_match m;
	const struct api_endpoint *ep;

	memset(&rq, 0, sizeof rq);
	rq.http = req;
	if (http_parse_query(req, res) != 0 || router_match(routes, nroutes, req, &m, res) != 0)
		return;
	ep = m.route->target;
	memcpy(rq.cap, m.captures, sizeof rq.cap);
	if (door_validate(ep, req, &rq, res) == 0 &&
	    (!(ep->flags & API_SIGNED) ||
	     api_authorize(&rq, db, (ep->flags & API_CSRF) != 0, ep->role, res) == 0))
		door_run(ep, &rq, db, res);
	json_body_free(&rq.body);
	door_check_transaction(db, req, res);
	res->route = m.route;
}
