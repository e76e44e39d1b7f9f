/* Helpers shared by the unit tests. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>

/* Parses a response body; the test fails when it is not JSON. */
static inline struct json_object *
test_parse_body(const char *body)
{
	struct json_object *o = json_tokener_parse(body);

	assert_non_null(o);
	return o;
}

/* The string at error.<key> of an error body, or NULL. */
static inline const char *
test_error_field(struct json_object *o, const char *key)
{
	struct json_object *err, *v;

	if (!json_object_object_get_ex(o, "error", &err) ||
	    !json_object_object_get_ex(err, key, &v))
		return NULL;
	return json_object_get_string(v);
}

/* The progress scale as the seed (sql/001, sql/006) defines it. Real
 * code loads it from the database at connect; unit tests set it here. */
#ifdef SHINCHOKU_SCALE_H
static inline void
test_load_scale(void)
{
	static const struct scale_level levels[] = {
	    {"exceeded", "◎", false, 1, 1},
	    {"on_schedule", "○", false, 1, 1},
	    {"delayed", "△", true, 1, 1},
	    {"not_started", "×", true, 1, 1},
	};

	scale_set(levels, sizeof levels / sizeof levels[0]);
}
#endif

#endif
