#include "json_body.h"

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
