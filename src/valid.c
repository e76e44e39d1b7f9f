/* Validators: each takes the raw text from the door and either yields a
 * typed value or says, in a few words, what is wrong with it. */
#include "valid.h"

#include <stdio.h>
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

const char *
valid_id(const char *raw, union http_qval *out)
{
	return valid_int(raw, 1, INT32_MAX, &out->i) ? NULL : "must be a positive whole number";
}

const char *
valid_fiscal_year(const char *raw, union http_qval *out)
{
	return valid_int(raw, FY_MIN, FY_MAX, &out->i)
	           ? NULL
	           : "must be a fiscal year from 2000 to 2100 (2024 = 令和6年度)";
}

const char *
valid_limit(const char *raw, union http_qval *out)
{
	return valid_int(raw, 1, LIMIT_MAX, &out->i) ? NULL
	                                             : "must be a whole number from 1 to 500";
}

const char *
valid_offset(const char *raw, union http_qval *out)
{
	return valid_int(raw, 0, 100000, &out->i) ? NULL
	                                          : "must be a whole number from 0 to 100000";
}

static const struct {
	const char *key, *mark;
} status_names[] = {
    {"exceeded", "◎"},
    {"on_schedule", "○"},
    {"delayed", "△"},
    {"not_started", "×"},
};

const char *
status_key_of_mark(const char *mark)
{
	size_t i;

	for (i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
		if (strcmp(status_names[i].mark, mark) == 0)
			return status_names[i].key;
	return NULL;
}

const char *
status_mark_of_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
		if (strcmp(status_names[i].key, key) == 0)
			return status_names[i].mark;
	return NULL;
}

const char *
valid_status(const char *raw, union http_qval *out)
{
	size_t i;

	/* Yield the static key, so the SQL always sees the canonical form. */
	for (i = 0; i < sizeof status_names / sizeof status_names[0]; i++) {
		if (strcmp(status_names[i].key, raw) == 0 ||
		    strcmp(status_names[i].mark, raw) == 0) {
			out->s = status_names[i].key;
			return NULL;
		}
	}
	return "must be exceeded, on_schedule, delayed or not_started (◎ ○ △ ×)";
}

const char *
valid_search(const char *raw, union http_qval *out)
{
	if (!valid_utf8_text(raw, strlen(raw), false))
		return "must be UTF-8 text without control characters";
	if (utf8_length(raw) > SEARCH_MAX)
		return "must be at most 100 characters";
	out->s = raw;
	return NULL;
}

const char *
valid_measure_code(const char *raw, union http_qval *out)
{
	const unsigned char *p = (const unsigned char *)raw;
	int part, digits;

	/* goal-policy-circled number: 1-1-① … 99-99-⑳ (U+2460..U+2473). */
	for (part = 0; part < 2; part++) {
		for (digits = 0; *p >= '0' && *p <= '9'; p++)
			digits++;
		if (digits < 1 || digits > 2 || *p++ != '-')
			return "must be a measure id or code such as 1-1-①";
	}
	if (!(p[0] == 0xE2 && p[1] == 0x91 && p[2] >= 0xA0 && p[2] <= 0xB3 && p[3] == '\0'))
		return "must be a measure id or code such as 1-1-①";
	out->s = raw;
	return NULL;
}

const char *
valid_measure_ref(const char *raw, union http_qval *out)
{
	union http_qval id;

	if (valid_id(raw, &id) == NULL) {
		out->s = raw;
		return NULL;
	}
	return valid_measure_code(raw, out);
}

/* Lower-case letters, digits and . _ - (the database checks the same). */
const char *
valid_login(const char *raw, union http_qval *out)
{
	size_t n = strlen(raw);

	if (n < 2 || n > 40 || strchr("abcdefghijklmnopqrstuvwxyz0123456789", raw[0]) == NULL ||
	    strspn(raw, "abcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return "2 to 40 lower-case letters, digits, '.', '_' or '-', starting with a "
		       "letter or digit";
	out->s = raw;
	return NULL;
}

/* Length in characters, not bytes: a Japanese passphrase counts as typed. */
const char *
valid_password(const char *raw, union http_qval *out)
{
	if (utf8_length(raw) < 10)
		return "at least 10 characters";
	out->s = raw;
	return NULL;
}

/* A calendar date written YYYY-MM-DD (a due date). */
const char *
valid_date(const char *raw, union http_qval *out)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	bool leap;

	if (strlen(raw) != 10 || strspn(raw, "0123456789-") != 10 || raw[4] != '-' ||
	    raw[7] != '-' || sscanf(raw, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return "must be a date written YYYY-MM-DD";
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < FY_MIN || y > FY_MAX + 1 || m < 1 || m > 12 || d < 1 || d > days[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return "must be a real date from 2000 to 2101";
	out->s = raw;
	return NULL;
}
