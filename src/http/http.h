/* The request as it came through the door, and the response a handler
 * fills in. Both are plain data: no FastCGI here (server/ fills the request
 * and writes the response), so the router and the handlers can be
 * unit-tested. */
#ifndef SHINCHOKU_HTTP_H
#define SHINCHOKU_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;
struct http_route;

/* The order of http_method_names (http.c). */
enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE, HTTP_OTHER };

struct http_param {
	char *key; /* percent-decoded */
	char *val; /* percent-decoded, '+' as space */
};

#define HTTP_MAX_PARAMS   32
#define HTTP_MAX_CAPTURES 4

struct http_request {
	enum http_method method;
	char *method_name;
	char *path;  /* without the query string */
	char *query; /* raw, "" when absent */
	struct http_param params[HTTP_MAX_PARAMS];
	size_t nparams;
	char *content_type; /* NULL when absent */
	size_t content_length;
	char *body; /* NUL-terminated copy of exactly content_length bytes, or NULL */
	char *cookie, *if_match, *csrf_token, *remote_addr, *accept_encoding;
	char *if_none_match;
};

struct http_header {
	char *name, *value; /* owned */
};

struct http_response {
	int status;
	const char *content_type; /* static string */
	char *body;               /* owned, malloc'd */
	size_t body_len;
	struct http_header *headers; /* owned, grows as needed */
	size_t nheaders;
	bool failed; /* out of memory while building it: the worker answers 500 */
	const struct http_route *route; /* the route that answered, for metrics; NULL: none */
};

enum http_method http_method_parse(const char *name);
/* "GET" … "DELETE"; NULL for HTTP_OTHER. */
const char *http_method_name(enum http_method m);
const char *http_status_text(int status);

/* Percent-decodes src[0..len) into a new string; '+' becomes a space when
 * plus_is_space. Returns NULL on a bad escape or an embedded NUL. */
char *http_decode(const char *src, size_t len, bool plus_is_space);

/* Splits req->query into req->params. Returns 0, or -1 with the response
 * already set to a 400 (bad escape, too many parameters, repeated key). */
int http_parse_query(struct http_request *req, struct http_response *res);

#define HTTP_SID_LEN 64 /* the session token: 32 random bytes in hex */

/* The sid cookie's value from a Cookie header, if well-formed. */
bool http_cookie_sid(const char *cookie, char out[HTTP_SID_LEN + 1]);

/* Frees everything the request owns (it is reset to zero). */
void http_request_free(struct http_request *req);
void http_response_free(struct http_response *res);

/* Adds a header line, or replaces the value of one of that name already
 * set (one Cache-Control, never two). Nothing is cut: out of memory marks
 * the response failed. */
void http_set_header(struct http_response *res, const char *name, const char *value);
/* The value of header name set so far, or NULL. */
const char *http_get_header(const struct http_response *res, const char *name);

/* Sets a JSON body from a json-c object (consumes the reference). */
void http_json(struct http_response *res, int status, struct json_object *obj);

/* Sets a JSON body already serialized (takes ownership of text). */
void http_json_text(struct http_response *res, int status, char *text);

/* Sets any body (takes ownership of data); type is a static string. */
void http_body(struct http_response *res, int status, const char *type, char *data, size_t len);

/* {"error":{"code":code,"message":msg[,"field":field]}} with that status;
 * the message is as long as it needs to be (never cut inside a character). */
void http_error(struct http_response *res, int status, const char *code, const char *field,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* 503 while the database is away. */
void http_error_db(struct http_response *res);

/* ---- query-string validation, kcgi style ----
 * Each handler declares the parameters it accepts as a table of named
 * validators; anything else in the query string is a 400. The handler then
 * reads typed, trusted values from the result array. */

union http_qval {
	int64_t i;
	const char *s; /* points into the request, lives as long as it */
};

struct http_qfield {
	const char *name;
	/* Returns NULL when raw is valid (storing the typed value in out), else
	 * a short reason for the 400 message. */
	const char *(*valid)(const char *raw, union http_qval *out);
};

struct http_qresult {
	bool present;
	union http_qval v;
};

/* Validates req->params against fields[0..n); out[i] answers fields[i].
 * Returns 0, or -1 with res set to a 400 naming the parameter. */
int http_query_validate(const struct http_request *req, const struct http_qfield *fields, size_t n,
                        struct http_qresult *out, struct http_response *res);

#endif
