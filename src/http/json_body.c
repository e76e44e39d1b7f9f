#include "json_body.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "valid.h"

static bool
is_json(const char *content_type)
{
	size_t n = strlen("application/json");

	/* application/json, optionally with parameters (; charset=utf-8). */
	return content_type != NULL && strncasecmp(content_type, "application/json", n) == 0 &&
	       (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

static const struct json_bfield *
find_field(const struct json_bfield *fields, size_t n, const char *name, size_t *idx)
{
	for (*idx = 0; *idx < n; (*idx)++)
		if (strcmp(fields[*idx].name, name) == 0)
			return &fields[*idx];
	return NULL;
}

static int
bad(struct http_response *res, const char *field, const char *msg)
{
	http_error(res, 400, "bad_field", field, "%s: %s", field, msg);
	return -1;
}

static int
take_text(const struct json_bfield *f, struct json_object *v, struct json_bvalue *out,
          struct http_response *res)
{
	const char *s = json_object_get_string(v);
	size_t len = (size_t)json_object_get_string_len(v);
	union http_qval q;
	const char *why;

	if (json_object_get_type(v) != json_type_string)
		return bad(res, f->name, "must be a string");
	if (strlen(s) != len || !valid_utf8_text(s, len, f->multiline))
		return bad(res, f->name,
		           f->multiline ? "must be text without control characters "
		                          "(newlines are allowed)"
		                        : "must be one line of text without control "
		                          "characters");
	if (f->nonempty && text_blank(s))
		return bad(res, f->name, "must not be empty");
	if (utf8_length(s) > (size_t)f->max) {
		http_error(res, 400, "bad_field", f->name, "%s: longer than %lld characters",
		           f->name, (long long)f->max);
		return -1;
	}
	out->s = s;
	if (f->valid != NULL) {
		if ((why = f->valid(s, &q)) == valid_needs_db) {
			http_error_db(res);
			return -1;
		}
		if (why != NULL)
			return bad(res, f->name, why);
		out->s = q.s;
	}
	return 0;
}

static int
take(const struct json_bfield *f, struct json_object *v, struct json_bvalue *out,
     struct http_response *res)
{
	out->present = true;
	switch (f->kind) {
	case JB_TEXT:
		return take_text(f, v, out, res);
	case JB_INT:
		if (json_object_get_type(v) != json_type_int)
			return bad(res, f->name, "must be a whole number");
		out->i = json_object_get_int64(v);
		if (out->i < f->min || out->i > f->max) {
			http_error(res, 400, "bad_field", f->name, "%s: must be from %lld to %lld",
			           f->name, (long long)f->min, (long long)f->max);
			return -1;
		}
		return 0;
	case JB_BOOL:
		if (json_object_get_type(v) != json_type_boolean)
			return bad(res, f->name, "must be true or false");
		out->b = json_object_get_boolean(v);
		return 0;
	}
	return -1;
}

static struct json_object *
parse_strict(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, text, (int)len);
	/* One complete document, nothing after it but white space. */
	if (o != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
	                  json_tokener_get_parse_end(tok) +
	                          strspn(text + json_tokener_get_parse_end(tok), " \t\r\n") !=
	                      len)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* ---- what json-c's tree cannot show ----
 *
 * json-c 0.16 (Debian 12) keeps only the last of duplicate keys
 * (json_object_object_add replaces the value), decodes a lone surrogate
 * such as \ud800 to U+FFFD, and cuts a key at an escaped \u0000, all
 * silently: no tokener flag refuses them (JSON_TOKENER_STRICT and
 * JSON_TOKENER_VALIDATE_UTF8 let all three through, tried), and once
 * parsed they cannot be told apart from honest input. So the text json-c
 * accepted is walked once more, as a small recursive descent: it is
 * well-formed JSON by then, at most JSON_TOKENER_DEFAULT_DEPTH (32) deep,
 * so the walk needs no error recovery. Each object's keys, decoded as
 * json-c decodes them, go into a json-c object used as a hash set. */

struct scan {
	const char *p, *end;
	const char *why; /* set on the first problem */
	bool oom;        /* the problem is ours: no memory */
	char *field;     /* the top-level key it is under (malloc'd), or NULL */
};

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && strchr(" \t\r\n", *s->p) != NULL && *s->p != '\0')
		s->p++;
}

static int
hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void
put_utf8(char *o, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		o[(*n)++] = (char)cp;
	} else if (cp < 0x800) {
		o[(*n)++] = (char)(0xC0 | cp >> 6);
		o[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		o[(*n)++] = (char)(0xE0 | cp >> 12);
		o[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[(*n)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		o[(*n)++] = (char)(0xF0 | cp >> 18);
		o[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3F));
		o[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3F));
		o[(*n)++] = (char)(0x80 | (cp & 0x3F));
	}
}

/* The string at s->p (its opening quote), decoded into *out (malloc'd,
 * NUL-terminated, *outlen bytes) when out is not NULL. 0, or -1 with
 * s->why set: a lone surrogate, or no memory. A decoded string is never
 * longer than its escaped text, so one allocation of that size holds it. */
static int
scan_string(struct scan *s, char **out, size_t *outlen)
{
	const char *start = ++s->p;
	char *o = NULL;
	size_t n = 0;
	unsigned u, lo;

	while (s->p < s->end && *s->p != '"')
		s->p += *s->p == '\\' ? 2 : 1;
	if (s->p >= s->end) {
		s->why = "the body must be one JSON object";
		return -1;
	}
	if (out != NULL && (o = malloc((size_t)(s->p - start) + 1)) == NULL) {
		s->oom = true;
		return -1;
	}
	for (const char *q = start; q < s->p; q++) {
		if (*q != '\\') {
			if (o)
				o[n++] = *q;
			continue;
		}
		switch (*++q) {
		case 'b':
			u = '\b';
			break;
		case 'f':
			u = '\f';
			break;
		case 'n':
			u = '\n';
			break;
		case 'r':
			u = '\r';
			break;
		case 't':
			u = '\t';
			break;
		case 'u':
			if (q + 5 > s->p || hex4(q + 1, &u) != 0)
				goto bad;
			q += 4;
			/* A high surrogate must be followed by a low one; a low
			 * one alone is as lone. */
			if (u >= 0xDC00 && u <= 0xDFFF)
				goto lone;
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (q + 7 > s->p || q[1] != '\\' || q[2] != 'u' ||
				    hex4(q + 3, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
					goto lone;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				q += 6;
			}
			break;
		default:
			u = (unsigned char)*q;
			break; /* " \ / */
		}
		if (o)
			put_utf8(o, &n, u);
	}
	s->p++;
	if (o) {
		o[n] = '\0';
		*out = o, *outlen = n;
	}
	return 0;
lone:
	s->why = "holds a lone surrogate (a \\ud800-\\udfff escape without its pair), which "
	         "cannot be stored as sent";
	free(o);
	return -1;
bad:
	s->why = "the body must be one JSON object";
	free(o);
	return -1;
}

static int scan_value(struct scan *s, int depth);

/* The object at s->p: every key once, every value scanned. At depth 0 its
 * keys are the fields, and name what is wrong beneath them. */
static int
scan_object(struct scan *s, int depth)
{
	struct json_object *seen = json_object_new_object();
	char *key = NULL;
	size_t klen;
	int rc = -1;

	if (seen == NULL) {
		s->oom = true;
		return -1;
	}
	s->p++;
	for (;;) {
		skip_ws(s);
		if (s->p < s->end && *s->p == '}')
			break;
		if (depth == 0) {
			/* Not the previous field's name for a problem in this one's. */
			free(s->field);
			s->field = NULL;
		}
		if (s->p >= s->end || *s->p != '"' || scan_string(s, &key, &klen) != 0)
			goto out;
		if (depth == 0 && (s->field = strdup(key)) == NULL) {
			s->oom = true;
			goto out;
		}
		if (strlen(key) != klen) {
			/* json-c would cut it at the NUL: "text\u0000x" would pass as "text". */
			s->why = "a field name must not hold U+0000";
			goto out;
		}
		if (json_object_object_get_ex(seen, key, NULL)) {
			s->why = "appears twice in the body";
			goto out;
		}
		json_object_object_add(seen, key, NULL);
		free(key);
		key = NULL;
		skip_ws(s);
		s->p++; /* : */
		skip_ws(s);
		if (scan_value(s, depth + 1) != 0)
			goto out;
		skip_ws(s);
		if (s->p < s->end && *s->p == ',')
			s->p++;
	}
	s->p++;
	rc = 0;
out:
	free(key);
	json_object_put(seen);
	return rc;
}

static int
scan_value(struct scan *s, int depth)
{
	if (s->p >= s->end) {
		s->why = "the body must be one JSON object";
		return -1;
	}
	if (*s->p == '{')
		return scan_object(s, depth);
	if (*s->p == '"')
		return scan_string(s, NULL, NULL);
	if (*s->p == '[') {
		s->p++;
		for (;;) {
			skip_ws(s);
			if (s->p < s->end && *s->p == ']')
				break;
			if (scan_value(s, depth + 1) != 0)
				return -1;
			skip_ws(s);
			if (s->p < s->end && *s->p == ',')
				s->p++;
		}
		s->p++;
		return 0;
	}
	/* A number, true, false or null. */
	while (s->p < s->end && strchr(",]} \t\r\n", *s->p) == NULL)
		s->p++;
	return 0;
}

/* 0, or -1 with res set: a 400 bad_field naming the field under which a
 * duplicate key, a lone surrogate or a key with U+0000 is (bad_body when
 * it is in the name of a field itself, which cannot be shown), or a 500
 * when memory ran out. */
static int
check_text(const char *text, size_t len, struct http_response *res)
{
	struct scan s = {.p = text, .end = text + len};
	int rc;

	skip_ws(&s);
	if ((rc = scan_value(&s, 0)) != 0) {
		if (s.oom)
			http_error(res, 500, "internal", NULL, "out of memory");
		else if (s.field != NULL)
			http_error(res, 400, "bad_field", s.field, "%s: %s", s.field, s.why);
		else
			http_error(res, 400, "bad_body", NULL, "a field name %s", s.why);
	}
	free(s.field);
	return rc;
}

int
json_body_parse(const struct http_request *req, const struct json_bfield *fields, size_t n,
                struct json_bvalue *out, struct json_body *body, struct http_response *res)
{
	const struct json_bfield *f;
	size_t i;

	memset(out, 0, n * sizeof *out);
	body->root = NULL;
	if (!is_json(req->content_type)) {
		http_error(res, 415, "unsupported_media_type", NULL,
		           "the body must be JSON (Content-Type: application/json)");
		return -1;
	}
	if (req->body == NULL ||
	    (body->root = parse_strict(req->body, req->content_length)) == NULL ||
	    json_object_get_type(body->root) != json_type_object) {
		json_body_free(body);
		http_error(res, 400, "bad_body", NULL, "the body must be one JSON object");
		return -1;
	}
	if (check_text(req->body, req->content_length, res) != 0) {
		json_body_free(body);
		return -1;
	}
	json_object_object_foreach(body->root, key, v)
	{
		if ((f = find_field(fields, n, key, &i)) == NULL) {
			http_error(res, 400, "bad_field", key, "%s: unknown field", key);
			goto fail;
		}
		if (v == NULL) {
			http_error(res, 400, "bad_field", key, "%s: must not be null", key);
			goto fail;
		}
		if (take(f, v, &out[i], res) != 0)
			goto fail;
	}
	for (i = 0; i < n; i++)
		if (fields[i].required && !out[i].present) {
			http_error(res, 400, "bad_field", fields[i].name, "%s: required",
			           fields[i].name);
			goto fail;
		}
	return 0;
fail:
	json_body_free(body);
	return -1;
}

void
json_body_free(struct json_body *body)
{
	json_object_put(body->root);
	body->root = NULL;
}
