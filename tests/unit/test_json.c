/* JSON output: UTF-8 written as itself, no escaped slashes, the error shape. */
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "http.h"

static void
test_japanese_unescaped(void **state)
{
	struct http_response res = {0};
	struct json_object *o = json_object_new_object();

	(void)state;
	json_object_object_add(o, "name", json_object_new_string("戸籍住民課 ◎○△× 1/2"));
	http_json(&res, 200, o);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type, "application/json; charset=utf-8");
	assert_string_equal(res.body, "{\"name\":\"戸籍住民課 ◎○△× 1/2\"}");
	assert_int_equal(res.body_len, strlen(res.body));
	http_response_free(&res);
}

static void
test_control_characters_escaped(void **state)
{
	struct http_response res = {0};
	struct json_object *o = json_object_new_object();

	(void)state;
	json_object_object_add(o, "t", json_object_new_string("a\"b\n<script>"));
	http_json(&res, 200, o);
	assert_string_equal(res.body, "{\"t\":\"a\\\"b\\n<script>\"}");
	http_response_free(&res);
}

static void
test_error_shape(void **state)
{
	struct http_response res = {0};
	struct json_object *o, *err;

	(void)state;
	http_error(&res, 400, "bad_parameter", "limit", "limit: must be at most %d", 500);
	assert_int_equal(res.status, 400);
	o = test_parse_body(res.body);
	assert_true(json_object_object_get_ex(o, "error", &err));
	assert_int_equal(json_object_object_length(o), 1);
	assert_int_equal(json_object_object_length(err), 3);
	assert_string_equal(test_error_field(o, "code"), "bad_parameter");
	assert_string_equal(test_error_field(o, "field"), "limit");
	assert_string_equal(test_error_field(o, "message"), "limit: must be at most 500");
	json_object_put(o);
	http_response_free(&res);

	http_error(&res, 404, NULL, NULL, "no plan with id %d", 9);
	o = test_parse_body(res.body);
	assert_string_equal(test_error_field(o, "code"), "not_found");
	assert_null(test_error_field(o, "field"));
	json_object_put(o);
	http_response_free(&res);
}

static void
test_db_unavailable(void **state)
{
	struct http_response res = {0};
	struct json_object *o;

	(void)state;
	http_error_db(&res);
	assert_int_equal(res.status, 503);
	assert_string_equal(res.headers[0].name, "Retry-After");
	o = test_parse_body(res.body);
	assert_string_equal(test_error_field(o, "code"), "db_unavailable");
	json_object_put(o);
	http_response_free(&res);
}

static void
test_text_body_replaces(void **state)
{
	struct http_response res = {0};

	(void)state;
	http_error(&res, 500, NULL, NULL, "first");
	http_json_text(&res, 200, strdup("{\"items\":[]}"));
	assert_int_equal(res.status, 200);
	assert_string_equal(res.body, "{\"items\":[]}");
	assert_int_equal(res.body_len, 12);
	http_response_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_japanese_unescaped),
	    cmocka_unit_test(test_control_characters_escaped),
	    cmocka_unit_test(test_error_shape),
	    cmocka_unit_test(test_db_unavailable),
	    cmocka_unit_test(test_text_body_replaces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
