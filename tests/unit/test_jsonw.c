/* The streaming JSON writer: json-c's text byte for byte, commas and
 * colons in place, the misuses refused, growth from a small buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "test_util.h"

#include "jsonw.h"

static char *
finish(struct jsonw *w)
{
	return jsonw_finish(w, NULL);
}

/* Every byte 0x01-0x7f, Japanese and a 4-byte character, escaped as
 * json-c escapes them (PLAIN | NOSLASHESCAPE, as the portal writes). */
static void
test_strings_as_json_c(void **state)
{
	char all[128];
	const char *jp = "戸籍住民課 ◎○△× 1/2 \xf0\x9f\x98\x80";
	json_object *o = json_object_new_object();
	struct jsonw w;
	char *text;
	int i;

	(void)state;
	for (i = 1; i < 128; i++)
		all[i - 1] = (char)i;
	json_object_object_add(o, "all", json_object_new_string_len(all, 127));
	json_object_object_add(o, "jp", json_object_new_string(jp));
	json_object_object_add(o, "k\"\\/\n", json_object_new_string(""));
	jsonw_init(&w, 8);
	jsonw_object(&w);
	jsonw_key(&w, "all");
	jsonw_string(&w, all, 127);
	jsonw_key(&w, "jp");
	jsonw_string(&w, jp, strlen(jp));
	jsonw_key(&w, "k\"\\/\n");
	jsonw_string(&w, "", 0);
	jsonw_end(&w);
	text = finish(&w);
	assert_non_null(text);
	assert_string_equal(text, json_object_to_json_string_ext(
	                              o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	free(text);
}

static void
test_nesting_and_numbers(void **state)
{
	struct jsonw w;
	size_t len = 0;
	char *text;

	(void)state;
	jsonw_init(&w, 0);
	jsonw_object(&w);
	jsonw_key(&w, "a");
	jsonw_array(&w);
	jsonw_int(&w, 0);
	jsonw_int(&w, -2);
	jsonw_int(&w, INT64_MAX);
	jsonw_int(&w, INT64_MIN);
	jsonw_null(&w);
	jsonw_object(&w);
	jsonw_key(&w, "b");
	jsonw_array(&w);
	jsonw_end(&w);
	jsonw_end(&w);
	jsonw_end(&w);
	jsonw_key(&w, "c");
	jsonw_object(&w);
	jsonw_end(&w);
	jsonw_end(&w);
	text = jsonw_finish(&w, &len);
	assert_string_equal(text, "{\"a\":[0,-2,9223372036854775807,-9223372036854775808,null,"
	                          "{\"b\":[]}],\"c\":{}}");
	assert_int_equal(len, strlen(text));
	free(text);
}

/* Each misuse makes the whole text NULL, not a broken document. */
static void
test_misuse_refused(void **state)
{
	struct jsonw w;
	int i;

	(void)state;
	jsonw_init(&w, 0); /* a value in an object without its key */
	jsonw_object(&w);
	jsonw_int(&w, 1);
	jsonw_end(&w);
	assert_null(finish(&w));

	jsonw_init(&w, 0); /* a key in an array */
	jsonw_array(&w);
	jsonw_key(&w, "k");
	jsonw_null(&w);
	jsonw_end(&w);
	assert_null(finish(&w));

	jsonw_init(&w, 0); /* left open */
	jsonw_array(&w);
	assert_null(finish(&w));

	jsonw_init(&w, 0); /* a key without its value */
	jsonw_object(&w);
	jsonw_key(&w, "k");
	jsonw_end(&w);
	assert_null(finish(&w));

	jsonw_init(&w, 0); /* closed once too often */
	jsonw_array(&w);
	jsonw_end(&w);
	jsonw_end(&w);
	assert_null(finish(&w));

	jsonw_init(&w, 0); /* two values at the top */
	jsonw_int(&w, 1);
	jsonw_int(&w, 2);
	assert_null(finish(&w));

	jsonw_init(&w, 0); /* nothing at all */
	assert_null(finish(&w));

	jsonw_init(&w, 0); /* deeper than JSONW_DEPTH */
	for (i = 0; i <= JSONW_DEPTH; i++)
		jsonw_array(&w);
	for (i = 0; i <= JSONW_DEPTH; i++)
		jsonw_end(&w);
	assert_null(finish(&w));

	jsonw_init(&w, 0); /* JSONW_DEPTH itself is fine */
	for (i = 0; i < JSONW_DEPTH; i++)
		jsonw_array(&w);
	for (i = 0; i < JSONW_DEPTH; i++)
		jsonw_end(&w);
	char *text = finish(&w);
	assert_non_null(text);
	assert_int_equal(strlen(text), 2 * JSONW_DEPTH);
	free(text);
}

/* From a 1-byte buffer to a text of 600 KB of escapes: it grows, and the
 * text parses back to the same string. */
static void
test_grows(void **state)
{
	size_t n = 100000, len;
	char *s = malloc(n), *text;
	json_object *o;
	struct jsonw w;

	(void)state;
	memset(s, '\n', n);
	jsonw_init(&w, 1);
	jsonw_array(&w);
	jsonw_string(&w, s, n);
	jsonw_end(&w);
	text = jsonw_finish(&w, &len);
	assert_int_equal(len, 2 * n + 4);
	o = json_tokener_parse(text);
	assert_non_null(o);
	assert_int_equal(json_object_get_string_len(json_object_array_get_idx(o, 0)), (int)n);
	assert_memory_equal(json_object_get_string(json_object_array_get_idx(o, 0)), s, n);
	json_object_put(o);
	free(text);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strings_as_json_c),
	    cmocka_unit_test(test_nesting_and_numbers),
	    cmocka_unit_test(test_misuse_refused),
	    cmocka_unit_test(test_grows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
