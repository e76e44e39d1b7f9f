/* A JSON text written front to back into one growing buffer: no tree, no
 * allocation per value. For large answers rendered from database rows (the
 * activity list), where building a json-c tree first cost most of the
 * worker's time (a hash table per object, a malloc per value). The text is
 * byte for byte what json-c writes with JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE, so either may render an answer.
 *
 * The writer places the commas and colons itself; a value after jsonw_key
 * is the member's. Errors (out of memory, nesting deeper than
 * JSONW_DEPTH, a close that does not match) are sticky: every later call
 * does nothing and jsonw_finish answers NULL. */
#ifndef SHINCHOKU_JSONW_H
#define SHINCHOKU_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONW_DEPTH 32

struct jsonw {
	char *buf; /* owned until jsonw_finish hands it out */
	size_t len, cap;
	int depth;
	bool failed;
	char open[JSONW_DEPTH];  /* '{' or '[' per level */
	bool empty[JSONW_DEPTH]; /* nothing in the level yet: no comma */
	bool after_key;          /* the next value is a member's */
};

/* An empty writer; hint is the expected size in bytes (0: a default). */
void jsonw_init(struct jsonw *w, size_t hint);
void jsonw_free(struct jsonw *w);

void jsonw_object(struct jsonw *w); /* { */
void jsonw_array(struct jsonw *w);  /* [ */
void jsonw_end(struct jsonw *w);    /* } or ], the innermost open one */

/* A member's key (in an object only). */
void jsonw_key(struct jsonw *w, const char *key);

/* Values. s is UTF-8 of len bytes, escaped as json-c does. */
void jsonw_string(struct jsonw *w, const char *s, size_t len);
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_null(struct jsonw *w);

/* The text, NUL-terminated and owned by the caller (len may be NULL), when
 * every container was closed and nothing failed; else NULL. The writer is
 * empty afterwards either way. */
char *jsonw_finish(struct jsonw *w, size_t *len);

#endif
