/* The API: one route table (routes.c) of endpoints, each declaring what it
 * accepts; the door (door.c) parses and validates all of it, resolves the
 * session, and only then calls the handler with typed, trusted values.
 * Handlers are pure functions of (api_req, db) to a response and never see
 * libpq: they call db/<resource>.h and render what it returns.
 *
 * Data flows one way: parse -> validate -> authorize -> query -> render. */
#ifndef SHINCHOKU_API_H
#define SHINCHOKU_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "http.h"
#include "json_body.h"
#include "router.h"
#include "valid.h"

#define API_MAX_FIELDS 12

enum role { ROLE_VIEWER, ROLE_STAFF, ROLE_MANAGER, ROLE_ADMIN };

struct auth_user {
	int id;
	enum role role;
	int department_id; /* 0 when none */
	char login[48];
	char csrf[65];
	char token_hash[65];
};

/* What the door hands a handler. Everything in it was validated. */
struct api_req {
	const struct http_request *http;       /* the raw request, for what is not parsed */
	int64_t cap[HTTP_MAX_CAPTURES];        /* path captures, in pattern order */
	struct http_qresult q[API_MAX_FIELDS]; /* answers endpoint.query[i] */
	struct json_bvalue b[API_MAX_FIELDS];  /* answers endpoint.body[i] */
	int64_t version;                       /* If-Match, with API_IF_MATCH */
	char sid[65];                          /* the sid cookie, "" when none */
	struct auth_user user;                 /* with a role, the signed-in user */
	struct json_body body;                 /* owns what b[] points into */
};

/* Body field k's text, NULL when it was not sent. */
const char *api_btext(const struct api_req *rq, int k);

typedef void (*api_handler)(const struct api_req *rq, struct db *db, struct http_response *res);

#define API_CSRF     1u  /* a write: X-CSRF-Token must match the session */
#define API_IF_MATCH 2u  /* If-Match with the version read: 428 without */
#define API_SIGNED   4u  /* a session is required (with role as the minimum) */
#define API_RAW_BODY 8u  /* the body is not JSON; the handler reads http->body */
#define API_LIVE     16u /* a GET answered fresh every time: no ETag, no cache */

struct api_endpoint {
	api_handler handler;
	const struct http_qfield *query; /* the accepted query parameters */
	size_t nquery;
	const struct json_bfield *body; /* the accepted JSON body fields */
	size_t nbody;
	unsigned flags;
	enum role role; /* with API_SIGNED */
	/* Rules across fields of the validated input ("send at least one"),
	 * before the session is looked at. NULL, or 0 / -1 with res set. */
	int (*check)(const struct api_req *rq, struct http_response *res);
};

/* The application's route table: targets are struct api_endpoint. */
extern const struct http_route api_routes[];
extern const size_t api_nroutes;

/* Copies the session and throttling settings; once per worker. */
struct config;
void api_configure(const struct config *cfg);

/* The door: answers req through the given table (api_serve: the app's).
 * Every way out leaves res set: the handler's answer, or the door's own
 * 400/401/403/404/405/413/415/428/503 when the request never reached it,
 * or a 500 when the handler left a transaction open (rolled back, logged
 * with the route). */
void api_dispatch(const struct http_route *routes, size_t nroutes, struct http_request *req,
                  struct db *db, struct http_response *res);
void api_serve(struct http_request *req, struct db *db, struct http_response *res);

/* ---- rendering what the db layer returned (errors.c) ---- */

/* Sets res from a db outcome other than DB_OK: 404 with "no <what>" for
 * DB_MISSING, 503 for DB_AWAY, and for DB_REFUSED the row of the one
 * table from database errors to API errors (status, code, field). */
void api_db_error(struct http_response *res, struct db *db, enum db_rc rc, const char *what);

/* DB_OK: *json (owned, consumed) as the body with status; else
 * api_db_error. Frees *json either way and sets it NULL. It takes the
 * address, not the value, so that api_reply(res, db, db_x(db, &json),
 * &json, …) reads json only after db_x has set it (the order in which C
 * evaluates arguments is unspecified). */
void api_reply(struct http_response *res, struct db *db, enum db_rc rc, char **json, int status,
               const char *what);

/* The answer to an optimistically locked write: DB_OK is status with *json
 * and its ETag; DB_STALE with the record as it is now is 409 with it and
 * its ETag, so the client can show what changed; anything else is
 * api_db_error. Frees *json either way and sets it NULL. */
void api_written(struct http_response *res, struct db *db, enum db_rc rc, char **json,
                 int64_t version, int status, const char *what);

/* ETag: "version". */
void api_etag(struct http_response *res, long long version);

/* ---- conditional answers, the response cache (conditional.c) ---- */

struct metrics;
/* Once per worker: a response cache of kb KiB (0: none) counting into m's
 * counters, and m for /api/metrics (NULL: counters of its own, no
 * metrics). */
void api_cache_configure(size_t kb, struct metrics *m);
struct metrics *api_metrics(void);

/* What the door keeps of a GET between api_cond_begin and api_cond_end. */
struct api_cond {
	int64_t version; /* 0: unknown, the answer is neither tagged nor cached */
	int enc;         /* enum http_encoding the client accepts */
	char tag[48];    /* the ETag, without quotes and encoding suffix */
	char *key;       /* the cache key, when the answer may be kept */
};

/* Before the handler of a GET: 1 with res set when the answer is a 304
 * (If-None-Match holds the current tag) or came from the cache, else 0. */
int api_cond_begin(const struct api_endpoint *ep, const struct api_req *rq, struct db *db,
                   struct api_cond *c, struct http_response *res);
/* After the handler: keeps a cacheable 200, encodes it, tags it. */
void api_cond_end(struct api_cond *c, const struct api_req *rq, struct http_response *res);
/* Whether an If-None-Match list names tag (W/, quotes and an encoding
 * suffix ignored). */
bool api_tag_matches(const char *if_none_match, const char *tag);

/* ---- sessions (session.c) ---- */
int api_idle_minutes(void);
int api_lock_minutes(void);
int api_login_max_failures(void);
int api_addr_max_failures(void);
void api_set_cookie(struct http_response *res, const char *token);
void api_clear_cookie(struct http_response *res);
const char *api_role_name(enum role r);
bool api_role_parse(const char *name, enum role *out);
/* A validator (valid.h style) for role names. */
const char *valid_role(const char *raw, union http_qval *out);

/* The door's session check: resolves rq->sid into rq->user. Returns 0, or
 * -1 with res set: 401 without a live session, 403 when csrf is asked and
 * X-CSRF-Token is missing or wrong or the role is below min, 503 when the
 * database is away. */
int api_authorize(struct api_req *rq, struct db *db, bool csrf, enum role min,
                  struct http_response *res);

#endif
