/* Named validators for every input that comes through the door. Each one
 * checks a raw string and yields a typed value (see http_qfield). */
#ifndef SHINCHOKU_VALID_H
#define SHINCHOKU_VALID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "text.h"

#define FY_MIN     2000
#define FY_MAX     2100
#define LIMIT_MAX  500
#define SEARCH_MAX 100 /* characters of a free-text query */

const char *valid_id(const char *raw, union http_qval *out);
const char *valid_fiscal_year(const char *raw, union http_qval *out);
const char *valid_limit(const char *raw, union http_qval *out);
const char *valid_offset(const char *raw, union http_qval *out);
/* A status key (on_schedule) or its mark (○) of the scale in the
 * database (base/scale.h); yields the key. */
const char *valid_status(const char *raw, union http_qval *out);
/* Free text: valid UTF-8, no control characters, at most SEARCH_MAX
 * characters; empty means no search (docs/API.md). */
const char *valid_search(const char *raw, union http_qval *out);
/* A measure code such as 1-1-①. */
const char *valid_measure_code(const char *raw, union http_qval *out);
/* A measure id or code; yields the raw string (the SQL matches either). */
const char *valid_measure_ref(const char *raw, union http_qval *out);

/* A user's login: 2-40 of a-z 0-9 . _ - (the database checks the same). */
const char *valid_login(const char *raw, union http_qval *out);
/* A new password: at least 10 characters. */
const char *valid_password(const char *raw, union http_qval *out);

/* A calendar date, YYYY-MM-DD. */
const char *valid_date(const char *raw, union http_qval *out);

/* true when raw is one of set (NULL-terminated); out->s is then the set's
 * own, static copy. The building block of validators of a closed list. */
bool valid_one_of(const char *raw, const char *const *set, union http_qval *out);

/* What a validator returns when it needs the database to decide (the
 * progress scale before the first connect): the door answers 503. */
extern const char valid_needs_db[];

#endif
