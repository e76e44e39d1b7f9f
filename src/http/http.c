/* Request and response plumbing shared by the worker, the router and the
 * handlers; nothing here knows about FastCGI or the database. */
#include "http.h"

#include <stdarg.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "crypto.h"
#include "valid.h"

#define JSON_OUT_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* The one spelling of each method, in enum http_method's order. */
static const char *const http_method_names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

enum http_method
http_method_parse(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof http_method_names / sizeof http_method_names[0]; i++)
		if (strcmp(name, http_method_names[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

const char *
http_method_name(enum http_method m)
{
	return (size_t)m < sizeof http_method_names / sizeof http_method_names[0]
	           ? http_method_names[m]
	           : NULL;
}

const char *
http_status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 411:
		return "Length Required";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 428:
		return "Precondition Required";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Unknown";
	}
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
http_decode(const char *src, size_t len, bool plus_is_space)
{
	char *out = malloc(len + 1), *o = out;
	size_t i;
	int hi, lo;

	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		if (src[i] == '%') {
			if (i + 2 >= len)
				goto bad;
			if ((hi = hexval(src[i + 1])) < 0 || (lo = hexval(src[i + 2])) < 0)
				goto bad;
			*o = (char)(hi << 4 | lo);
			if (*o == '\0')
				goto bad;
			o++;
			i += 2;
		} else if (src[i] == '+' && plus_is_space) {
			*o++ = ' ';
		} else if (src[i] == '\0') {
			goto bad;
		} else {
			*o++ = src[i];
		}
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

static int
http_add_param(struct http_request *req, const char *pair, size_t len, struct http_response *res)
{
	const char *eq = memchr(pair, '=', len);
	size_t klen = eq ? (size_t)(eq - pair) : len;
	struct http_param *p;
	size_t i;

	if (req->nparams == HTTP_MAX_PARAMS) {
		http_error(res, 400, "bad_parameter", NULL,
		           "too many query parameters (at most %d)", HTTP_MAX_PARAMS);
		return -1;
	}
	p = &req->params[req->nparams];
	p->key = http_decode(pair, klen, true);
	p->val = eq ? http_decode(eq + 1, len - klen - 1, true) : strdup("");
	if (p->key == NULL || p->val == NULL) {
		free(p->key);
		free(p->val);
		p->key = p->val = NULL;
		http_error(res, 400, "bad_parameter", NULL,
		           "malformed percent-encoding in the query");
		return -1;
	}
	req->nparams++;
	/* A repeated key is ambiguous (which one wins?): refuse it. */
	for (i = 0; i + 1 < req->nparams; i++) {
		if (strcmp(req->params[i].key, p->key) == 0) {
			http_error(res, 400, "bad_parameter", p->key, "%s: given more than once",
			           p->key);
			return -1;
		}
	}
	return 0;
}

int
http_parse_query(struct http_request *req, struct http_response *res)
{
	const char *p = req->query ? req->query : "", *amp;
	size_t n;

	while (*p != '\0') {
		amp = strchr(p, '&');
		n = amp ? (size_t)(amp - p) : strlen(p);
		if (n > 0 && http_add_param(req, p, n, res) != 0)
			return -1;
		p += n + (amp != NULL);
	}
	return 0;
}

void
http_request_free(struct http_request *req)
{
	size_t i;

	for (i = 0; i < req->nparams; i++) {
		free(req->params[i].key);
		free(req->params[i].val);
	}
	free(req->method_name);
	free(req->path);
	free(req->query);
	free(req->content_type);
	/* A body may hold a password (sign-in, user forms): it does not
	 * linger in freed memory. */
	crypto_wipe(req->body, req->content_length);
	free(req->body);
	free(req->cookie);
	free(req->if_match);
	free(req->csrf_token);
	free(req->remote_addr);
	free(req->accept_encoding);
	free(req->if_none_match);
	memset(req, 0, sizeof *req);
}

void
http_response_free(struct http_response *res)
{
	size_t i;

	for (i = 0; i < res->nheaders; i++) {
		free(res->headers[i].name);
		free(res->headers[i].value);
	}
	free(res->headers);
	free(res->body);
	memset(res, 0, sizeof *res);
}

const char *
http_get_header(const struct http_response *res, const char *name)
{
	size_t i;

	for (i = 0; i < res->nheaders; i++)
		if (strcasecmp(res->headers[i].name, name) == 0)
			return res->headers[i].value;
	return NULL;
}

void
http_set_header(struct http_response *res, const char *name, const char *value)
{
	struct http_header *h;
	char *v = strdup(value);
	size_t i;

	if (v == NULL) {
		res->failed = true;
		return;
	}
	for (i = 0; i < res->nheaders; i++) {
		if (strcasecmp(res->headers[i].name, name) == 0) {
			free(res->headers[i].value);
			res->headers[i].value = v;
			return;
		}
	}
	if ((h = realloc(res->headers, (res->nheaders + 1) * sizeof *h)) == NULL ||
	    (h[res->nheaders].name = strdup(name)) == NULL) {
		if (h != NULL)
			res->headers = h;
		free(v);
		res->failed = true;
		return;
	}
	h[res->nheaders++].value = v;
	res->headers = h;
}

void
http_body(struct http_response *res, int status, const char *type, char *data, size_t len)
{
	free(res->body);
	res->status = status;
	res->content_type = type;
	res->body = data;
	res->body_len = data ? len : 0;
}

void
http_json_text(struct http_response *res, int status, char *text)
{
	http_body(res, status, "application/json; charset=utf-8", text, text ? strlen(text) : 0);
}

void
http_json(struct http_response *res, int status, struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_OUT_FLAGS);
	char *copy = s ? strdup(s) : NULL;

	json_object_put(obj);
	if (copy == NULL) {
		res->failed = true;
		return;
	}
	http_json_text(res, status, copy);
}

static const char *
http_error_reason(int status)
{
	switch (status) {
	case 400:
		return "bad_parameter";
	case 404:
		return "not_found";
	case 405:
		return "method_not_allowed";
	case 413:
		return "too_large";
	case 503:
		return "db_unavailable";
	default:
		return "internal";
	}
}

/* A malloc'd formatted string of whatever length it takes. */
static char *http_vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *
http_vformat(const char *fmt, va_list ap)
{
	va_list again;
	char *s;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

void
http_error(struct http_response *res, int status, const char *code, const char *field,
           const char *fmt, ...)
{
	struct json_object *root, *err;
	char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = http_vformat(fmt, ap);
	va_end(ap);
	if (msg == NULL) {
		res->failed = true;
		return;
	}
	root = json_object_new_object(), err = json_object_new_object();
	json_object_object_add(err, "code",
	                       json_object_new_string(code ? code : http_error_reason(status)));
	json_object_object_add(err, "message", json_object_new_string(msg));
	free(msg);
	if (field != NULL)
		json_object_object_add(err, "field", json_object_new_string(field));
	json_object_object_add(root, "error", err);
	http_json(res, status, root);
}

void
http_error_db(struct http_response *res)
{
	http_error(res, 503, "db_unavailable", NULL,
	           "the database is unavailable; try again shortly");
	http_set_header(res, "Retry-After", "5");
}

static int
http_qfield_index(const struct http_qfield *fields, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
http_query_validate(const struct http_request *req, const struct http_qfield *fields, size_t n,
                    struct http_qresult *out, struct http_response *res)
{
	const struct http_param *p;
	const char *why;
	size_t i;
	int k;

	memset(out, 0, n * sizeof *out);
	for (i = 0; i < req->nparams; i++) {
		p = &req->params[i];
		if ((k = http_qfield_index(fields, n, p->key)) < 0) {
			http_error(res, 400, "bad_parameter", p->key, "%s: unknown parameter",
			           p->key);
			return -1;
		}
		if ((why = fields[k].valid(p->val, &out[k].v)) == valid_needs_db) {
			http_error_db(res);
			return -1;
		}
		if (why != NULL) {
			http_error(res, 400, "bad_parameter", p->key, "%s: %s", p->key, why);
			return -1;
		}
		out[k].present = true;
	}
	return 0;
}

static bool
http_is_token(const char *s, size_t n)
{
	return n == HTTP_SID_LEN && strspn(s, "0123456789abcdef") >= n;
}

bool
http_cookie_sid(const char *cookie, char out[HTTP_SID_LEN + 1])
{
	const char *p = cookie;
	size_t n;

	/* "a=1; sid=abc; b=2": the first well-formed sid wins. */
	while (p != NULL && *p != '\0') {
		p += strspn(p, " ;");
		n = strcspn(p, ";");
		if (n > 4 && strncmp(p, "sid=", 4) == 0 && http_is_token(p + 4, n - 4)) {
			memcpy(out, p + 4, HTTP_SID_LEN);
			out[HTTP_SID_LEN] = '\0';
			return true;
		}
		p += n;
	}
	return false;
}
