/* JSON request bodies, validated at the door like query strings: each
 * handler declares the fields it accepts as a table; an unknown field, a
 * wrong type, bad text or a missing required field is a 400 naming it. */
#ifndef SHINCHOKU_JSON_BODY_H
#define SHINCHOKU_JSON_BODY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

enum json_bkind { JB_TEXT, JB_INT, JB_BOOL };

struct json_bfield {
	const char *name;
	enum json_bkind kind;
	bool required;
	/* JB_TEXT: at most max characters (0: must not be empty either way is
	 * decided by nonempty), newlines allowed when multiline. JB_INT: the
	 * range min..max. */
	int64_t min, max;
	bool multiline, nonempty;
	/* Optional extra check of a text (e.g. a status key); NULL = none. */
	const char *(*valid)(const char *raw, union http_qval *out);
};

struct json_bvalue {
	bool present;
	const char *s; /* JB_TEXT, or the typed value of valid */
	int64_t i;
	bool b;
};

/* The parsed body; values point into it, so free it last. */
struct json_body {
	struct json_object *root;
};

/* Parses req->body (Content-Type application/json, else 415) against
 * fields[0..n); out[i] answers fields[i]. Returns 0, or -1 with res set. */
int json_body_parse(const struct http_request *req, const struct json_bfield *fields, size_t n,
                    struct json_bvalue *out, struct json_body *body, struct http_response *res);

void json_body_free(struct json_body *body);

#endif
