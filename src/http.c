/* Request and response plumbing shared by the worker, the router and the
 * handlers; nothing here knows about FastCGI or the database. */
#include "http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#define JSON_OUT_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

enum http_method
http_method_parse(const char *name)
{
	static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
	size_t i;

	for (i = 0; name != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
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
	free(req->body);
	free(req->cookie);
	free(req->if_match);
	free(req->csrf_token);
	free(req->remote_addr);
	free(req->accept_encoding);
	memset(req, 0, sizeof *req);
}

void
http_response_free(struct http_response *res)
{
	free(res->body);
	memset(res, 0, sizeof *res);
}

void
http_add_header(struct http_response *res, const char *name, const char *value)
{
	struct http_header *h;

	if (res->nheaders == HTTP_MAX_HEADERS)
		return;
	h = &res->headers[res->nheaders++];
	snprintf(h->name, sizeof h->name, "%s", name);
	snprintf(h->value, sizeof h->value, "%s", value);
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
		res->status = 500;
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

void
http_error(struct http_response *res, int status, const char *code, const char *field,
           const char *fmt, ...)
{
	struct json_object *root = json_object_new_object(), *err = json_object_new_object();
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_object_object_add(err, "code",
	                       json_object_new_string(code ? code : http_error_reason(status)));
	json_object_object_add(err, "message", json_object_new_string(msg));
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
	http_add_header(res, "Retry-After", "5");
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
		if ((why = fields[k].valid(p->val, &out[k].v)) != NULL) {
			http_error(res, 400, "bad_parameter", p->key, "%s: %s", p->key, why);
			return -1;
		}
		out[k].present = true;
	}
	return 0;
}
