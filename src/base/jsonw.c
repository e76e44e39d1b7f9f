/* A JSON text written front to back into one buffer (see jsonw.h). */
#include "jsonw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JSONW_HINT 4096

void
jsonw_init(struct jsonw *w, size_t hint)
{
	memset(w, 0, sizeof *w);
	w->cap = hint > 0 ? hint : JSONW_HINT;
	if ((w->buf = malloc(w->cap)) == NULL)
		w->failed = true;
}

void
jsonw_free(struct jsonw *w)
{
	free(w->buf);
	memset(w, 0, sizeof *w);
	w->failed = true;
}

/* Room for n more bytes (and a NUL), doubling; false when out of memory. */
static bool
room(struct jsonw *w, size_t n)
{
	size_t cap = w->cap;
	char *p;

	if (w->failed)
		return false;
	if (w->len + n + 1 <= cap)
		return true;
	while (w->len + n + 1 > cap && cap < SIZE_MAX / 2)
		cap *= 2;
	if (w->len + n + 1 > cap || (p = realloc(w->buf, cap)) == NULL) {
		w->failed = true;
		return false;
	}
	w->buf = p;
	w->cap = cap;
	return true;
}

static void
put(struct jsonw *w, const char *s, size_t n)
{
	if (room(w, n)) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
	}
}

/* The comma before an entry of the innermost level (a key of an object,
 * a value of an array) that is not its first. */
static void
comma(struct jsonw *w)
{
	if (!w->empty[w->depth - 1])
		put(w, ",", 1);
	w->empty[w->depth - 1] = false;
}

/* What goes before a value: nothing after a key, else an array's comma. */
static void
separate(struct jsonw *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0 && w->len > 0)
		w->failed = true; /* one value at the top */
	if (w->depth > 0) {
		if (w->open[w->depth - 1] == '{') {
			w->failed = true; /* a value in an object needs a key */
			return;
		}
		comma(w);
	}
}

static void
open_level(struct jsonw *w, char c)
{
	separate(w);
	if (w->depth == JSONW_DEPTH)
		w->failed = true;
	if (w->failed)
		return;
	w->open[w->depth] = c;
	w->empty[w->depth] = true;
	w->depth++;
	put(w, &c, 1);
}

void
jsonw_object(struct jsonw *w)
{
	open_level(w, '{');
}

void
jsonw_array(struct jsonw *w)
{
	open_level(w, '[');
}

void
jsonw_end(struct jsonw *w)
{
	if (w->depth == 0 || w->after_key)
		w->failed = true;
	if (w->failed)
		return;
	w->depth--;
	put(w, w->open[w->depth] == '{' ? "}" : "]", 1);
}

/* The bytes JSON cannot carry as they are: the control characters, "
 * and \. */
static bool
needs_escape(unsigned char c)
{
	return c < 0x20 || c == '"' || c == '\\';
}

/* c escaped at o as json-c writes it (\b \t \n \f \r, else \u00xx);
 * returns the byte after it. */
static char *
escaped(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	*o++ = '\\';
	switch (c) {
	case '\b':
		*o++ = 'b';
		break;
	case '\t':
		*o++ = 't';
		break;
	case '\n':
		*o++ = 'n';
		break;
	case '\f':
		*o++ = 'f';
		break;
	case '\r':
		*o++ = 'r';
		break;
	case '"':
	case '\\':
		*o++ = (char)c;
		break;
	default:
		memcpy(o, "u00", 3);
		o[3] = hex[c >> 4];
		o[4] = hex[c & 0xf];
		o += 5;
	}
	return o;
}

/* s between quotes: " and \ and the control characters escaped, the rest
 * as it is. Room for the worst case (6 bytes a byte) is made once; the
 * runs between escapes are copied whole (byte by byte, this was the
 * worker's largest cost on the uncached list). */
static void
quoted(struct jsonw *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *o;
	size_t i = 0, j;

	if (len > (SIZE_MAX - 2) / 6 || !room(w, len * 6 + 2)) {
		w->failed = true;
		return;
	}
	o = w->buf + w->len;
	*o++ = '"';
	while (i < len) {
		for (j = i; j < len && !needs_escape(p[j]); j++)
			;
		memcpy(o, s + i, j - i);
		o += j - i;
		if (j == len)
			break;
		o = escaped(o, p[j]);
		i = j + 1;
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

void
jsonw_key(struct jsonw *w, const char *key)
{
	if (w->depth == 0 || w->open[w->depth - 1] != '{' || w->after_key)
		w->failed = true;
	if (w->failed)
		return;
	comma(w);
	quoted(w, key, strlen(key));
	put(w, ":", 1);
	w->after_key = true;
}

void
jsonw_string(struct jsonw *w, const char *s, size_t len)
{
	separate(w);
	if (!w->failed)
		quoted(w, s, len);
}

void
jsonw_int(struct jsonw *w, int64_t v)
{
	char digits[24], *p = digits + sizeof digits;
	/* In unsigned arithmetic, so that INT64_MIN negates too. */
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	separate(w);
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(digits + sizeof digits - p));
}

void
jsonw_null(struct jsonw *w)
{
	separate(w);
	put(w, "null", 4);
}

char *
jsonw_finish(struct jsonw *w, size_t *len)
{
	char *text = NULL;

	if (!w->failed && w->depth == 0 && !w->after_key && w->len > 0) {
		w->buf[w->len] = '\0';
		text = w->buf;
		if (len != NULL)
			*len = w->len;
		w->buf = NULL;
	}
	jsonw_free(w);
	return text;
}
