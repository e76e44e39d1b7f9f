/* Validation of a plan dataset, one small checker per field kind. Errors
 * name the JSON path, so whoever prepared the file can find the cell. */
#include "dataset_file.h"

#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "fileio.h"
#include "scale.h"
#include "text.h"
#include "valid.h"

#define TEXT_MAX  4000 /* characters of a result or plan cell (schema: 4000) */
#define NAME_MAX_ 500

struct ctx {
	char *err;
	size_t errlen;
	struct dataset *ds;
	/* relisted_of_seq of each activity, as written; read where the row's
	 * relisted_of is -2 (resolved once every row is read). */
	int64_t *relisted_seq;
	/* The file's code_pattern, when the C library compiles it. */
	regex_t code_re;
	bool has_code_re;
};

static bool __attribute__((format(printf, 2, 3))) fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return false;
}

static const char *
type_word(json_type t)
{
	switch (t) {
	case json_type_string:
		return "a string";
	case json_type_int:
		return "an integer";
	case json_type_array:
		return "an array";
	case json_type_object:
		return "an object";
	default:
		return "a number";
	}
}

/* The member key of obj with JSON type t (double accepts integers too). */
static bool
get(struct ctx *c, struct json_object *obj, const char *where, const char *key, json_type t,
    struct json_object **out)
{
	json_type have;

	if (!json_object_object_get_ex(obj, key, out) || *out == NULL)
		return fail(c, "%s.%s: missing", where, key);
	have = json_object_get_type(*out);
	if (have == t || (t == json_type_double && have == json_type_int))
		return true;
	return fail(c, "%s.%s: must be %s", where, key, type_word(t));
}

/* A text cell: valid UTF-8, at most max characters, non-blank unless
 * may_be_empty. Newlines are allowed: cells can hold paragraphs. */
static bool
text(struct ctx *c, struct json_object *obj, const char *where, const char *key, bool may_be_empty,
     size_t max, const char **out)
{
	struct json_object *v;
	const char *s;
	size_t len;

	if (!get(c, obj, where, key, json_type_string, &v))
		return false;
	s = json_object_get_string(v);
	len = (size_t)json_object_get_string_len(v);
	if (strlen(s) != len || !valid_utf8_text(s, len, true))
		return fail(c, "%s.%s: must be UTF-8 text without control characters", where, key);
	if (!may_be_empty && text_blank(s))
		return fail(c, "%s.%s: must not be empty", where, key);
	if (utf8_length(s) > max)
		return fail(c, "%s.%s: longer than %zu characters", where, key, max);
	*out = s;
	return true;
}

static bool
integer(struct ctx *c, struct json_object *obj, const char *where, const char *key, int min,
        int max, int *out)
{
	struct json_object *v;
	int64_t n;

	if (!get(c, obj, where, key, json_type_int, &v))
		return false;
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return fail(c, "%s.%s: must be from %d to %d", where, key, min, max);
	*out = (int)n;
	return true;
}

/* An array member, with a calloc'ed C array of n elements of size sz. */
static bool
array(struct ctx *c, struct json_object *obj, const char *where, const char *key, size_t sz,
      struct json_object **arr, void **items, size_t *n)
{
	if (!get(c, obj, where, key, json_type_array, arr))
		return false;
	*n = json_object_array_length(*arr);
	if ((*items = calloc(*n ? *n : 1, sz)) == NULL)
		return fail(c, "%s.%s: out of memory", where, key);
	return true;
}

/* "YYYY-MM" into its parts. */
static bool
year_month(const char *s, int *y, int *m)
{
	char ys[5], ms[3];
	int64_t yv, mv;

	if (strlen(s) != 7 || s[4] != '-')
		return false;
	memcpy(ys, s, 4), ys[4] = '\0';
	memcpy(ms, s + 5, 2), ms[2] = '\0';
	if (ms[0] == '0')
		ms[0] = ms[1], ms[1] = '\0';
	if (!valid_int(ys, FY_MIN, FY_MAX, &yv) || !valid_int(ms, 1, 12, &mv))
		return false;
	*y = (int)yv, *m = (int)mv;
	return true;
}

static bool
parse_plan(struct ctx *c, struct json_object *root)
{
	struct json_object *plan;
	const char *adopted;

	if (!get(c, root, "$", "plan", json_type_object, &plan) ||
	    !text(c, plan, "$.plan", "title", false, 200, &c->ds->title) ||
	    !text(c, plan, "$.plan", "adopted", false, 7, &adopted) ||
	    !integer(c, plan, "$.plan", "report_fiscal_year", FY_MIN + 1, FY_MAX - 1,
	             &c->ds->report_fiscal_year))
		return false;
	if (!year_month(adopted, &c->ds->adopted_year, &c->ds->adopted_month))
		return fail(c, "$.plan.adopted: must be YYYY-MM");
	return true;
}

/* An optional boolean member (false when absent). */
static bool
flag(struct ctx *c, struct json_object *obj, const char *where, const char *key, bool *out)
{
	struct json_object *v;

	*out = false;
	if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
		return true;
	if (json_object_get_type(v) != json_type_boolean)
		return fail(c, "%s.%s: must be true or false", where, key);
	*out = json_object_get_boolean(v);
	return true;
}

/* The plan's own definition (docs/plan-format.md): $.scheme with its name,
 * scale_name and 2 to 4 levels, the coded one (the one before the last)
 * with code_pattern and code_description. Absent: Nakano's (scheme 1). */
static bool
parse_scheme(struct ctx *c, struct json_object *root)
{
	struct json_object *sc, *levels, *e, *v;
	const char *s;
	char where[64];
	size_t i, n;
	bool coded;

	if (!json_object_object_get_ex(root, "scheme", &sc) || sc == NULL)
		return true;
	if (json_object_get_type(sc) != json_type_object)
		return fail(c, "$.scheme: must be an object");
	if (!text(c, sc, "$.scheme", "name", false, 100, &s) ||
	    !text(c, sc, "$.scheme", "scale_name", false, 20, &s) ||
	    !get(c, sc, "$.scheme", "levels", json_type_array, &levels))
		return false;
	n = json_object_array_length(levels);
	if (n < 2 || n > 4)
		return fail(c, "$.scheme.levels: must name 2 to 4 levels, the top first");
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof where, "$.scheme.levels[%zu]", i);
		e = json_object_array_get_idx(levels, i);
		if (json_object_get_type(e) != json_type_object)
			return fail(c, "%s: must be an object", where);
		if (!text(c, e, where, "name", false, 20, &s))
			return false;
		coded = json_object_object_get_ex(e, "code_pattern", &v) && v != NULL;
		if (coded != (i == n - 2))
			return fail(c, "%s.code_pattern: %s", where,
			            coded ? "only the level before the last carries codes"
			                  : "missing (the level before the last carries codes)");
		if (coded && (!text(c, e, where, "code_pattern", false, 200, &s) ||
		              !text(c, e, where, "code_description", false, 100, &s)))
			return false;
		if (coded &&
		    (s = json_object_get_string(v), s[0] != '^' || s[strlen(s) - 1] != '$'))
			return fail(c, "%s.code_pattern: must be anchored: ^…$", where);
		if (coded && regcomp(&c->code_re, s, REG_EXTENDED | REG_NOSUB) == 0)
			c->has_code_re = true;
	}
	/* The definition scheme_create() takes: the scheme and the legend as
	 * its scale. */
	c->ds->scheme = json_object_get(sc);
	return true;
}

/* Level i of the legend $.name (arr): its mark, key and label, every
 * legend's; *e the level, where its place for messages. */
static bool
legend_entry(struct ctx *c, struct json_object *arr, const char *name, size_t i,
             struct json_object **e, char *where, size_t wlen, const char **mark, const char **key)
{
	const char *label;

	snprintf(where, wlen, "$.%s[%zu]", name, i);
	*e = json_object_array_get_idx(arr, i);
	return text(c, *e, where, "mark", false, 4, mark) &&
	       text(c, *e, where, "key", false, 20, key) &&
	       text(c, *e, where, "label", false, 200, &label);
}

/* A legend of the file's own scale (every level's key, mark, short text,
 * label, reason_required, counts_as_late and min_rate) into *out: $.name,
 * the scale's levels; other is the first scale's, whose keys this one may
 * not repeat (a scheme's keys name one level: sql/015). */
static bool
own_legend(struct ctx *c, struct json_object *arr, const char *name, struct ds_level *out,
           size_t *nout, const struct ds_level *other, size_t nother)
{
	struct json_object *e, *v;
	const char *mark, *key, *s;
	struct ds_level *l;
	char where[64];
	size_t i, j, n = json_object_array_length(arr);
	bool b;

	for (i = 0; i < n; i++) {
		if (!legend_entry(c, arr, name, i, &e, where, sizeof where, &mark, &key))
			return false;
		if (json_object_object_get_ex(e, "short", &v) &&
		    !text(c, e, where, "short", false, 20, &s))
			return false;
		if (json_object_object_get_ex(e, "min_rate", &v) && v != NULL &&
		    !get(c, e, where, "min_rate", json_type_double, &v))
			return false;
		if (!flag(c, e, where, "counts_as_late", &b))
			return false;
		l = &out[(*nout)++];
		l->key = key, l->mark = mark;
		if (!flag(c, e, where, "reason_required", &l->reason_required))
			return false;
		for (j = 0; j + 1 < *nout; j++)
			if (strcmp(out[j].key, key) == 0 || strcmp(out[j].mark, mark) == 0)
				return fail(c, "%s: key %s or mark %s appears twice", where, key,
				            mark);
		for (j = 0; j < nother; j++)
			if (strcmp(other[j].key, key) == 0)
				return fail(c, "%s.key: %s is a key of $.status_legend already",
				            where, key);
	}
	if (n == 0)
		return fail(c, "$.%s: the scale needs at least one level", name);
	return true;
}

/* The legend: with a scheme of the file's own, its scale (own_legend);
 * else it must agree with the marks and keys the portal knows. */
static bool
parse_legend(struct ctx *c, struct json_object *root)
{
	struct json_object *arr, *e;
	const char *mark, *key;
	const struct scale_level *known;
	char where[64];
	size_t i, n;

	if (!array(c, root, "$", "status_legend", sizeof *c->ds->scale, &arr,
	           (void **)&c->ds->scale, &n))
		return false;
	if (c->ds->scheme != NULL) {
		if (!own_legend(c, arr, "status_legend", c->ds->scale, &c->ds->nscale, NULL, 0))
			return false;
		json_object_object_add(c->ds->scheme, "scale", json_object_get(arr));
		return true;
	}
	for (i = 0; i < n; i++) {
		if (!legend_entry(c, arr, "status_legend", i, &e, where, sizeof where, &mark, &key))
			return false;
		known = scale_find_in(0, mark);
		if (known == NULL || strcmp(known->mark, mark) != 0 || strcmp(known->key, key) != 0)
			return fail(c, "%s.key: %s is not the portal's key for %s", where, key,
			            mark);
	}
	return true;
}

/* The second scale (sql/015): $.status2_legend exactly when $.scheme names
 * scale2_name; then the definition's text, for scheme_create(). */
static bool
parse_legend2(struct ctx *c, struct json_object *root)
{
	struct json_object *arr, *name;
	bool named, listed = json_object_object_get_ex(root, "status2_legend", &arr) && arr != NULL;
	const char *s;
	size_t n;

	if (c->ds->scheme == NULL) {
		if (listed)
			return fail(c,
			            "$.status2_legend: a second scale needs $.scheme.scale2_name");
		return true;
	}
	named = json_object_object_get_ex(c->ds->scheme, "scale2_name", &name) && name != NULL;
	if (named != listed)
		return fail(c, "%s",
		            named ? "$.status2_legend: missing ($.scheme names scale2_name)"
		                  : "$.status2_legend: a second scale needs $.scheme.scale2_name");
	if (named && (!text(c, c->ds->scheme, "$.scheme", "scale2_name", false, 20, &s) ||
	              !array(c, root, "$", "status2_legend", sizeof *c->ds->scale2, &arr,
	                     (void **)&c->ds->scale2, &n) ||
	              !own_legend(c, arr, "status2_legend", c->ds->scale2, &c->ds->nscale2,
	                          c->ds->scale, c->ds->nscale)))
		return false;
	if (named)
		json_object_object_add(c->ds->scheme, "scale2", json_object_get(arr));
	c->ds->scheme_json = json_object_to_json_string_ext(c->ds->scheme, JSON_C_TO_STRING_PLAIN);
	return true;
}

static bool
parse_goals(struct ctx *c, struct json_object *root)
{
	struct json_object *arr;
	char where[64];
	size_t i, j;

	if (!array(c, root, "$", "goals", sizeof *c->ds->goals, &arr, (void **)&c->ds->goals,
	           &c->ds->ngoals))
		return false;
	if (c->ds->ngoals == 0)
		return fail(c, "$.goals: must not be empty");
	for (i = 0; i < c->ds->ngoals; i++) {
		struct ds_goal *g = &c->ds->goals[i];
		struct json_object *e = json_object_array_get_idx(arr, i);

		snprintf(where, sizeof where, "$.goals[%zu]", i);
		if (!integer(c, e, where, "number", 1, 99, &g->number) ||
		    !text(c, e, where, "title", false, NAME_MAX_, &g->title))
			return false;
		for (j = 0; j < i; j++)
			if (c->ds->goals[j].number == g->number)
				return fail(c, "%s.number: %d appears twice", where, g->number);
	}
	return true;
}

static bool
goal_exists(const struct dataset *ds, int number)
{
	size_t i;

	for (i = 0; i < ds->ngoals; i++)
		if (ds->goals[i].number == number)
			return true;
	return false;
}

static int
measure_index(const struct dataset *ds, const char *code)
{
	size_t i;

	for (i = 0; i < ds->nmeasures; i++)
		if (ds->measures[i].code != NULL && strcmp(ds->measures[i].code, code) == 0)
			return (int)i;
	return -1;
}

/* An optional measure code (null or "1-1-③") that must name a known measure. */
static bool
measure_ref(struct ctx *c, struct json_object *obj, const char *where, const char *key, int *out)
{
	struct json_object *v;

	*out = -1;
	if (!json_object_object_get_ex(obj, key, &v))
		return fail(c, "%s.%s: missing", where, key);
	if (v == NULL)
		return true;
	if (json_object_get_type(v) != json_type_string ||
	    (*out = measure_index(c->ds, json_object_get_string(v))) < 0)
		return fail(c, "%s.%s: must be null or the code of a listed measure", where, key);
	return true;
}

static bool
parse_measure(struct ctx *c, struct json_object *e, const char *where, struct ds_measure *m)
{
	char expect[32];
	union http_qval q;

	if (!text(c, e, where, "code", false, 30, &m->code) ||
	    !integer(c, e, where, "goal", 1, 99, &m->goal) ||
	    !integer(c, e, where, "policy", 1, 99, &m->policy) ||
	    !integer(c, e, where, "number", 1, c->ds->scheme ? 999 : 20, &m->number) ||
	    !text(c, e, where, "name", false, NAME_MAX_, &m->name))
		return false;
	if (!goal_exists(c->ds, m->goal))
		return fail(c, "%s.goal: no goal %d", where, m->goal);
	/* A plan of its own format: the database judges the code once more. */
	if (c->ds->scheme != NULL) {
		if (c->has_code_re && regexec(&c->code_re, m->code, 0, NULL, 0) != 0)
			return fail(c, "%s.code: %s does not match $.scheme's code_pattern", where,
			            m->code);
		return true;
	}
	if (valid_measure_code(m->code, &q) != NULL || strstr(m->code, "\xe2\x91") == NULL)
		return fail(c, "%s.code: must look like 1-1-①", where);
	/* ① is U+2460: three UTF-8 bytes E2 91 A0+n-1 (up to ⑳ = U+2473). */
	snprintf(expect, sizeof expect, "%d-%d-\xe2\x91%c", m->goal, m->policy,
	         (char)(0xa0 + m->number - 1));
	if (strcmp(expect, m->code) != 0)
		return fail(c, "%s.code: %s does not match goal, policy and number (%s)", where,
		            m->code, expect);
	return true;
}

static bool
parse_measures(struct ctx *c, struct json_object *root)
{
	struct json_object *arr;
	struct dataset *ds = c->ds;
	char where[64];
	size_t i, n;

	if (!array(c, root, "$", "measures", sizeof *ds->measures, &arr, (void **)&ds->measures,
	           &n))
		return false;
	/* Grows one by one so that a code is looked up among the ones before. */
	for (ds->nmeasures = 0; ds->nmeasures < n; ds->nmeasures++) {
		i = ds->nmeasures;
		snprintf(where, sizeof where, "$.measures[%zu]", i);
		if (!parse_measure(c, json_object_array_get_idx(arr, i), where, &ds->measures[i]))
			return false;
		if (measure_index(ds, ds->measures[i].code) >= 0)
			return fail(c, "%s.code: %s appears twice", where, ds->measures[i].code);
	}
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof where, "$.measures[%zu]", i);
		if (!measure_ref(c, json_object_array_get_idx(arr, i), where, "relisted_from",
		                 &ds->measures[i].relisted_from))
			return false;
		if (ds->measures[i].relisted_from == (int)i)
			return fail(c, "%s.relisted_from: a measure cannot re-list itself", where);
	}
	return true;
}

/* The department list of a row: non-empty names, none twice. */
static bool
departments(struct ctx *c, struct json_object *e, const char *where, struct ds_activity *a)
{
	struct json_object *arr;
	char sub[160];
	size_t i, j;

	if (!array(c, e, where, "departments", sizeof *a->departments, &arr,
	           (void **)&a->departments, &a->ndepartments))
		return false;
	for (i = 0; i < a->ndepartments; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);
		const char *s;
		size_t len;

		if (json_object_get_type(v) != json_type_string)
			return fail(c, "%s.departments[%zu]: must be a string", where, i);
		s = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		snprintf(sub, sizeof sub, "%s.departments[%zu]", where, i);
		if (len == 0 || strlen(s) != len || !valid_utf8_text(s, len, false) ||
		    utf8_length(s) > 100)
			return fail(c, "%s: must be a department name of 1 to 100 characters", sub);
		for (j = 0; j < i; j++)
			if (strcmp(a->departments[j], s) == 0)
				return fail(c, "%s: %s appears twice", sub, s);
		a->departments[i] = s;
	}
	return true;
}

/* The year cells: result_<fy-1>, result_<fy>, plan_<fy+1> of the report year. */
static bool
year_cells(struct ctx *c, struct json_object *e, const char *where, struct ds_activity *a)
{
	char k1[32], k2[32], k3[32];
	int fy = c->ds->report_fiscal_year;

	snprintf(k1, sizeof k1, "result_%d", fy - 1);
	snprintf(k2, sizeof k2, "result_%d", fy);
	snprintf(k3, sizeof k3, "plan_%d", fy + 1);
	return text(c, e, where, "change_reason", true, 2000, &a->change_reason) &&
	       text(c, e, where, k1, true, TEXT_MAX, &a->result_prev) &&
	       text(c, e, where, k2, true, TEXT_MAX, &a->result) &&
	       text(c, e, where, k3, true, TEXT_MAX, &a->plan_next);
}

/* The key of the level whose mark (not key) is mark: of the file's scale,
 * else of the portal's default; or NULL. */
static const char *
scale_mark(const struct dataset *ds, const char *mark)
{
	const struct scale_level *l;
	size_t i;

	if (ds->scheme != NULL) {
		for (i = 0; i < ds->nscale; i++)
			if (strcmp(ds->scale[i].mark, mark) == 0)
				return ds->scale[i].key;
		return NULL;
	}
	l = scale_find_in(0, mark);
	return l != NULL && strcmp(l->mark, mark) == 0 ? l->key : NULL;
}

/* "A, B, C, D" or the portal's description, for messages. */
static const char *
legend_marks(const struct dataset *ds, char *buf, size_t len)
{
	size_t i, used = 0;

	if (ds->scheme == NULL)
		return scale_describe();
	buf[0] = '\0';
	for (i = 0; i < ds->nscale && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
		                         ds->scale[i].mark);
	return buf;
}

/* $.activities[i].status2: a mark of the second scale, or empty; absent
 * when the plan has one scale. */
static bool
activity_status2(struct ctx *c, struct json_object *e, const char *where, struct ds_activity *a)
{
	struct json_object *v;
	const char *mark;
	size_t i;

	a->status2 = NULL;
	if (!json_object_object_get_ex(e, "status2", &v) || v == NULL)
		return true;
	if (c->ds->nscale2 == 0)
		return fail(c, "%s.status2: the plan has one scale ($.status2_legend)", where);
	if (!text(c, e, where, "status2", true, 4, &mark))
		return false;
	for (i = 0; *mark != '\0' && i < c->ds->nscale2; i++)
		if (strcmp(c->ds->scale2[i].mark, mark) == 0)
			a->status2 = c->ds->scale2[i].key;
	if (*mark != '\0' && a->status2 == NULL)
		return fail(c, "%s.status2: must be a mark of $.status2_legend", where);
	return true;
}

static bool
parse_activity(struct ctx *c, struct json_object *e, const char *where, size_t i)
{
	struct ds_activity *a = &c->ds->activities[i];
	struct json_object *v;
	const char *code, *mark, *key;
	char marks[256];

	if (!integer(c, e, where, "seq", 1, 100000, &a->seq) ||
	    !text(c, e, where, "measure", false, 30, &code) ||
	    !text(c, e, where, "name", false, NAME_MAX_, &a->name) ||
	    !text(c, e, where, "status", true, 4, &mark) || !year_cells(c, e, where, a) ||
	    !departments(c, e, where, a))
		return false;
	if ((a->measure = measure_index(c->ds, code)) < 0)
		return fail(c, "%s.measure: %s is not a listed measure", where, code);
	a->status = NULL;
	if (*mark != '\0') {
		if ((key = scale_mark(c->ds, mark)) == NULL)
			return fail(c,
			            "%s.status: must be a mark of %s (or empty on a re-listed row)",
			            where, legend_marks(c->ds, marks, sizeof marks));
		a->status = key;
	}
	if (!activity_status2(c, e, where, a))
		return false;
	a->relisted_of = -1;
	if (!json_object_object_get_ex(e, "relisted_of_seq", &v))
		return fail(c, "%s.relisted_of_seq: missing", where);
	if (v != NULL && json_object_get_type(v) != json_type_int)
		return fail(c, "%s.relisted_of_seq: must be null or a seq", where);
	/* Resolved to an index once every row is read (see link_relisted). */
	if (v != NULL) {
		a->relisted_of = -2;
		c->relisted_seq[i] = json_object_get_int64(v);
	}
	return true;
}

/* The index of the row with seq among the first n rows, or -1. */
static int
activity_by_seq(const struct dataset *ds, size_t n, int64_t seq)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ds->activities[i].seq == seq)
			return (int)i;
	return -1;
}

static bool
same_departments(const struct ds_activity *a, const struct ds_activity *b)
{
	size_t i;

	if (a->ndepartments != b->ndepartments)
		return false;
	for (i = 0; i < a->ndepartments; i++)
		if (strcmp(a->departments[i], b->departments[i]) != 0)
			return false;
	return true;
}

/* A re-listed row has no status nor cells of its own and points to a
 * reported row of the same plan under another measure, whose code is what
 * relisted_from names. A reported row has a status. */
static bool
link_relisted(struct ctx *c, struct json_object *arr, size_t i)
{
	struct dataset *ds = c->ds;
	struct ds_activity *a = &ds->activities[i];
	char where[64];
	int from;

	snprintf(where, sizeof where, "$.activities[%zu]", i);
	if (!measure_ref(c, json_object_array_get_idx(arr, i), where, "relisted_from", &from))
		return false;
	if (a->relisted_of == -1) {
		if (from >= 0)
			return fail(c, "%s.relisted_of_seq: must be set with relisted_from", where);
		if (a->status == NULL)
			return fail(c, "%s.status: a reported row needs a status", where);
		return true;
	}
	a->relisted_of = activity_by_seq(ds, ds->nactivities, c->relisted_seq[i]);
	if (a->relisted_of < 0)
		return fail(c, "%s.relisted_of_seq: no row with that seq", where);
	if (a->status != NULL || *a->change_reason || *a->result_prev || *a->result ||
	    *a->plan_next)
		return fail(c, "%s: a re-listed row carries no status, reason, result or plan",
		            where);
	if (ds->activities[a->relisted_of].status == NULL || from == a->measure)
		return fail(c, "%s.relisted_of_seq: must name a reported row under another measure",
		            where);
	if (from != ds->activities[a->relisted_of].measure)
		return fail(c, "%s.relisted_from: must be the measure of row seq %d", where,
		            ds->activities[a->relisted_of].seq);
	/* The portal prints the activity's own departments there, or none. */
	if (a->ndepartments != 0 && !same_departments(a, &ds->activities[a->relisted_of]))
		return fail(c, "%s.departments: must be empty or those of row seq %d", where,
		            ds->activities[a->relisted_of].seq);
	return true;
}

static bool
parse_activities(struct ctx *c, struct json_object *root)
{
	struct json_object *arr;
	struct dataset *ds = c->ds;
	char where[64];
	size_t i;

	if (!array(c, root, "$", "activities", sizeof *ds->activities, &arr,
	           (void **)&ds->activities, &ds->nactivities))
		return false;
	if ((c->relisted_seq = calloc(ds->nactivities + 1, sizeof *c->relisted_seq)) == NULL)
		return fail(c, "$.activities: out of memory");
	for (i = 0; i < ds->nactivities; i++) {
		snprintf(where, sizeof where, "$.activities[%zu]", i);
		if (!parse_activity(c, json_object_array_get_idx(arr, i), where, i))
			return false;
		if (activity_by_seq(ds, i, ds->activities[i].seq) >= 0)
			return fail(c, "%s.seq: %d appears twice", where, ds->activities[i].seq);
	}
	for (i = 0; i < ds->nactivities; i++)
		if (!link_relisted(c, arr, i))
			return false;
	return true;
}

/* The page-1 counts must equal the marks of the rows: a cheap guard
 * against a dataset that lost or duplicated a row. */
static bool
check_counts(struct ctx *c, struct json_object *root)
{
	struct json_object *counts;
	const char *key;
	size_t j;
	int64_t n;

	if (!json_object_object_get_ex(root, "status_counts_reported", &counts) || counts == NULL)
		return true;
	if (json_object_get_type(counts) != json_type_object)
		return fail(c, "$.status_counts_reported: must be an object");
	/* Members that are no mark of the scale are not counts. */
	json_object_object_foreach(counts, mark, v)
	{
		if ((key = scale_mark(c->ds, mark)) == NULL)
			continue;
		for (n = 0, j = 0; j < c->ds->nactivities; j++)
			n += c->ds->activities[j].status != NULL &&
			     strcmp(c->ds->activities[j].status, key) == 0;
		if (json_object_get_type(v) != json_type_int || json_object_get_int64(v) != n)
			return fail(c, "$.status_counts_reported.%s: rows carry %lld of this mark",
			            mark, (long long)n);
	}
	return true;
}

static bool
parse_footnotes(struct ctx *c, struct json_object *root)
{
	struct json_object *obj;
	struct dataset *ds = c->ds;
	char where[64];
	size_t i = 0;

	if (!get(c, root, "$", "footnotes", json_type_object, &obj))
		return false;
	ds->nfootnotes = (size_t)json_object_object_length(obj);
	if ((ds->footnotes = calloc(ds->nfootnotes + 1, sizeof *ds->footnotes)) == NULL)
		return fail(c, "$.footnotes: out of memory");
	json_object_object_foreach(obj, mark, body)
	{
		(void)body;
		snprintf(where, sizeof where, "$.footnotes");
		if (strncmp(mark, "※", 3) != 0 || mark[3] < '1' || mark[3] > '9' ||
		    strspn(mark + 3, "0123456789") != strlen(mark + 3))
			return fail(c, "$.footnotes.%s: a footnote mark looks like ※1", mark);
		ds->footnotes[i].mark = mark;
		if (!text(c, obj, where, mark, false, 2000, &ds->footnotes[i].text))
			return false;
		i++;
	}
	return true;
}

static bool
footnote_exists(const struct dataset *ds, const char *mark)
{
	size_t i;

	for (i = 0; i < ds->nfootnotes; i++)
		if (strcmp(ds->footnotes[i].mark, mark) == 0)
			return true;
	return false;
}

/* values {"2022": "62.3%"} with values_numeric {"2022": 62.3 | null}: the
 * same years in both, the number kept as written so no digit is lost. */
static bool
values(struct ctx *c, struct json_object *e, const char *where, const char *tkey, const char *nkey,
       struct ds_value **out, size_t *n)
{
	struct json_object *texts, *nums, *num;
	char sub[128];
	int64_t fy;
	size_t i = 0;

	if (!get(c, e, where, tkey, json_type_object, &texts) ||
	    !get(c, e, where, nkey, json_type_object, &nums))
		return false;
	*n = (size_t)json_object_object_length(texts);
	if (json_object_object_length(nums) != (int)*n)
		return fail(c, "%s.%s: must have the years of %s", where, nkey, tkey);
	if ((*out = calloc(*n + 1, sizeof **out)) == NULL)
		return fail(c, "%s.%s: out of memory", where, tkey);
	json_object_object_foreach(texts, year, t)
	{
		struct ds_value *v = &(*out)[i++];

		(void)t;
		snprintf(sub, sizeof sub, "%s.%s", where, tkey);
		if (!valid_int(year, FY_MIN, FY_MAX, &fy))
			return fail(c, "%s.%s: %s is not a fiscal year", where, tkey, year);
		v->fiscal_year = (int)fy;
		if (!text(c, texts, sub, year, false, 100, &v->text))
			return false;
		if (!json_object_object_get_ex(nums, year, &num))
			return fail(c, "%s.%s.%s: missing", where, nkey, year);
		if (num != NULL && json_object_get_type(num) != json_type_int &&
		    json_object_get_type(num) != json_type_double)
			return fail(c, "%s.%s.%s: must be a number or null", where, nkey, year);
		v->has_number = num != NULL;
		v->number = num != NULL
		                ? json_object_to_json_string_ext(num, JSON_C_TO_STRING_PLAIN)
		                : NULL;
	}
	return true;
}

static bool
parse_indicator(struct ctx *c, struct json_object *e, const char *where, struct ds_indicator *d)
{
	struct json_object *notes, *v;
	size_t i;

	if (!integer(c, e, where, "goal", 1, 99, &d->goal) ||
	    !text(c, e, where, "name", false, NAME_MAX_, &d->name) ||
	    !text(c, e, where, "unit", false, 20, &d->unit) ||
	    !values(c, e, where, "values", "values_numeric", &d->actuals, &d->nactuals) ||
	    !values(c, e, where, "target", "target_numeric", &d->targets, &d->ntargets) ||
	    !array(c, e, where, "notes", sizeof *d->notes, &notes, (void **)&d->notes, &d->nnotes))
		return false;
	if (!goal_exists(c->ds, d->goal))
		return fail(c, "%s.goal: no goal %d", where, d->goal);
	for (i = 0; i < d->nnotes; i++) {
		v = json_object_array_get_idx(notes, i);
		if (json_object_get_type(v) != json_type_string ||
		    !footnote_exists(c->ds, json_object_get_string(v)))
			return fail(c, "%s.notes[%zu]: must be the mark of a footnote", where, i);
		d->notes[i] = json_object_get_string(v);
	}
	return true;
}

static bool
parse_indicators(struct ctx *c, struct json_object *root)
{
	struct json_object *arr;
	struct dataset *ds = c->ds;
	char where[64];
	size_t i, j;

	if (!array(c, root, "$", "indicators", sizeof *ds->indicators, &arr,
	           (void **)&ds->indicators, &ds->nindicators))
		return false;
	for (i = 0; i < ds->nindicators; i++) {
		snprintf(where, sizeof where, "$.indicators[%zu]", i);
		if (!parse_indicator(c, json_object_array_get_idx(arr, i), where,
		                     &ds->indicators[i]))
			return false;
		for (j = 0; j < i; j++)
			if (strcmp(ds->indicators[j].name, ds->indicators[i].name) == 0)
				return fail(c, "%s.name: appears twice", where);
	}
	return true;
}

/* "１１月～" (or "~"): the item runs from that month on. */
static bool
open_ended(const char *date_text)
{
	size_t n = strlen(date_text);

	return (n >= 3 && strcmp(date_text + n - 3, "～") == 0) ||
	       (n >= 1 && date_text[n - 1] == '~');
}

static bool
parse_timeline(struct ctx *c, struct json_object *root)
{
	struct json_object *arr, *e;
	struct dataset *ds = c->ds;
	const char *date;
	char where[64];
	size_t i;

	if (!array(c, root, "$", "timeline", sizeof *ds->timeline, &arr, (void **)&ds->timeline,
	           &ds->ntimeline))
		return false;
	for (i = 0; i < ds->ntimeline; i++) {
		struct ds_milestone *m = &ds->timeline[i];

		snprintf(where, sizeof where, "$.timeline[%zu]", i);
		e = json_object_array_get_idx(arr, i);
		if (!text(c, e, where, "date", false, 7, &date) ||
		    !text(c, e, where, "date_text", false, 50, &m->date_text) ||
		    !text(c, e, where, "item", false, 200, &m->item))
			return false;
		if (!year_month(date, &m->year, &m->month))
			return fail(c, "%s.date: must be YYYY-MM", where);
		m->open_ended = open_ended(m->date_text);
	}
	return true;
}

struct dataset *
dataset_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok;
	struct ctx c = {.err = err, .errlen = errlen};
	bool ok;
	enum json_tokener_error jerr;

	if ((c.ds = calloc(1, sizeof *c.ds)) == NULL || (tok = json_tokener_new()) == NULL) {
		free(c.ds);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	c.ds->root = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	/* One document and nothing after it but white space. */
	if (c.ds->root != NULL && jerr == json_tokener_success) {
		size_t end = json_tokener_get_parse_end(tok);

		while (end < len && strchr(" \t\r\n", buf[end]) != NULL && buf[end] != '\0')
			end++;
		if (end < len)
			jerr = json_tokener_error_parse_unexpected;
	}
	if (jerr != json_tokener_success || c.ds->root == NULL) {
		snprintf(err, errlen, "not JSON (near byte %zu): %s",
		         json_tokener_get_parse_end(tok),
		         json_tokener_error_desc(
		             jerr == json_tokener_success ? json_tokener_error_parse_eof : jerr));
		json_tokener_free(tok);
		dataset_free(c.ds);
		return NULL;
	}
	json_tokener_free(tok);
	if (json_object_get_type(c.ds->root) != json_type_object)
		ok = fail(&c, "$: must be an object");
	else if (!scale_loaded())
		ok = fail(&c, "the progress scale is not loaded: the marks cannot be checked");
	else
		ok = parse_plan(&c, c.ds->root) && parse_scheme(&c, c.ds->root) &&
		     parse_legend(&c, c.ds->root) && parse_legend2(&c, c.ds->root) &&
		     parse_goals(&c, c.ds->root) && parse_measures(&c, c.ds->root) &&
		     parse_activities(&c, c.ds->root) && check_counts(&c, c.ds->root) &&
		     parse_footnotes(&c, c.ds->root) && parse_indicators(&c, c.ds->root) &&
		     parse_timeline(&c, c.ds->root);
	free(c.relisted_seq);
	if (c.has_code_re)
		regfree(&c.code_re);
	if (!ok) {
		dataset_free(c.ds);
		return NULL;
	}
	return c.ds;
}

struct dataset *
dataset_load(const char *path, char *err, size_t errlen)
{
	struct dataset *ds;
	size_t len;
	char *buf;

	if ((buf = file_read(path, DATASET_FILE_MAX, &len, err, errlen)) == NULL)
		return NULL;
	ds = dataset_parse(buf, len, err, errlen);
	free(buf);
	return ds;
}

void
dataset_free(struct dataset *ds)
{
	size_t i;

	if (ds == NULL)
		return;
	for (i = 0; ds->activities != NULL && i < ds->nactivities; i++)
		free(ds->activities[i].departments);
	for (i = 0; ds->indicators != NULL && i < ds->nindicators; i++) {
		free(ds->indicators[i].actuals);
		free(ds->indicators[i].targets);
		free(ds->indicators[i].notes);
	}
	free(ds->goals);
	free(ds->scale);
	free(ds->scale2);
	json_object_put(ds->scheme);
	free(ds->measures);
	free(ds->activities);
	free(ds->indicators);
	free(ds->footnotes);
	free(ds->timeline);
	json_object_put(ds->root);
	free(ds);
}
