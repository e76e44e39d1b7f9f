/* Validators: each takes the raw text from the door and either yields a
 * typed value or says, in a few words, what is wrong with it. */
#include "valid.h"

#include "scale.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

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

bool
valid_one_of(const char *raw, const char *const *set, union http_qval *out)
{
	for (; *set != NULL; set++)
		if (strcmp(raw, *set) == 0) {
			out->s = *set;
			return true;
		}
	return false;
}

const char valid_needs_db[] = "the progress scale is not loaded yet";

const char *
valid_status(const char *raw, union http_qval *out)
{
	const struct scale_level *l;

	/* The scale comes from the database; before the first connect nothing
	 * can be said about a status (the door answers 503). */
	if (!scale_loaded())
		return valid_needs_db;
	if ((l = scale_find(raw)) == NULL)
		return "must be one of the progress statuses";
	/* Yield the key, so the SQL always sees the canonical form. */
	out->s = l->key;
	return NULL;
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
	size_t n = strlen(raw);

	/* Each plan has its code format (1-1-①, 1-2-11, 1(1)ア; sql/014),
	 * which the database judges: here, a short text with a digit and
	 * neither spaces nor control characters. */
	if (n == 0 || utf8_length(raw) > 30 || !valid_utf8_text(raw, n, false) ||
	    strpbrk(raw, " \t") != NULL || strpbrk(raw, "0123456789") == NULL ||
	    strstr(raw, "\xe3\x80\x80") != NULL)
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
