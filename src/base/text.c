/* Plain text checks every layer needs: strict integers, UTF-8 without
 * control characters, lengths in characters, and what counts as blank. */
#include "text.h"

#include <string.h>

bool
valid_int(const char *raw, int64_t min, int64_t max, int64_t *out)
{
	const char *p = raw;
	bool neg = false;
	int64_t v = 0;
	int d;

	if (*p == '-' && min < 0) {
		neg = true;
		p++;
	}
	/* Digits only; "007" and "" are not numbers a client meant to send. */
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] != '\0'))
		return false;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
		d = *p - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* Length of the UTF-8 sequence at s (rejecting overlong forms, surrogates
 * and code points past U+10FFFF), or 0 when it is invalid. The code point
 * is stored in *cp. */
static size_t
utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, c = s[0] & 0x1F;
	else if (s[0] >= 0xE0 && s[0] <= 0xEF)
		n = 3, c = s[0] & 0x0F;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

static bool
is_control(uint32_t c, bool multiline)
{
	if (c == '\n')
		return !multiline;
	return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F);
}

bool
valid_utf8_text(const char *s, size_t len, bool multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0, n;

	while (i < len) {
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0 || is_control(cp, multiline))
			return false;
		i += n;
	}
	return true;
}

size_t
utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* The white space of SQL app_blank() (sql/006_rules.sql) and of the
 * page's isBlank() (JavaScript's \s): ASCII's, NBSP, the Unicode spaces
 * and U+3000 IDEOGRAPHIC SPACE, which a Japanese IME types. */
static bool
is_blank_cp(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
	       c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

bool
text_blank(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, i = 0, n;
	uint32_t cp;

	if (s == NULL)
		return true;
	len = strlen(s);
	while (i < len) {
		/* Invalid UTF-8 is not white space: the text is not blank. */
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0 || !is_blank_cp(cp))
			return false;
		i += n;
	}
	return true;
}

size_t
text_unescape(const char *s, size_t n, char *out)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			char e = s[++i];

			out[len++] = e == 't' ? '\t' : e == 'n' ? '\n' : e;
		} else {
			out[len++] = s[i];
		}
	}
	return len;
}
