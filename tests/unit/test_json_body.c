/* JSON bodies are validated at the door: every refusal names the field. */
#include <stdlib.h>
#include <string.h>

#include "scale.h"
#include "test_util.h"

#include "json_body.h"
#include "valid.h"

enum { F_TEXT, F_NUM, F_FLAG, F_STATUS, F_N };

static const struct json_bfield fields[F_N] = {
    [F_TEXT] = {"text", JB_TEXT, true, 0, 5, true, false, NULL},
    [F_NUM] = {"num", JB_INT, false, 1, 10, false, false, NULL},
    [F_FLAG] = {"flag", JB_BOOL, false, 0, 0, false, false, NULL},
    [F_STATUS] = {"status", JB_TEXT, false, 0, 20, false, true, valid_status},
};

/* Parses body; returns the status (0 when accepted) and the error field. */
static int
run(const char *content_type, const char *body, struct json_bvalue *out, char *field,
    size_t fieldlen)
{
	struct http_request req = {0};
	struct http_response res = {0};
	struct json_body b;
	struct json_object *o;
	const char *f;
	int status = 0;

	req.content_type = (char *)content_type;
	req.body = (char *)body;
	req.content_length = body ? strlen(body) : 0;
	field[0] = '\0';
	if (json_body_parse(&req, fields, F_N, out, &b, &res) != 0) {
		status = res.status;
		o = test_parse_body(res.body);
		if ((f = test_error_field(o, "field")) != NULL)
			strncpy(field, f, fieldlen - 1);
		json_object_put(o);
		http_response_free(&res);
	} else {
		json_body_free(&b);
	}
	return status;
}

static void
test_accepts_typed_values(void **state)
{
	struct json_bvalue v[F_N];
	char field[64];

	(void)state;
	assert_int_equal(run("application/json; charset=utf-8",
	                     "{\"text\":\"あ\\nい\",\"num\":3,\"flag\":true,\"status\":\"△\"}", v,
	                     field, sizeof field),
	                 0);
	assert_true(v[F_NUM].present);
	assert_true(v[F_FLAG].present);
	assert_true(v[F_STATUS].present);
}

static void
test_refusals_name_the_field(void **state)
{
	static const struct {
		const char *body, *field;
		int status;
	} cases[] = {
	    {"{\"num\":3}", "text", 400},                             /* required */
	    {"{\"text\":\"ok\",\"extra\":1}", "extra", 400},          /* unknown */
	    {"{\"text\":123}", "text", 400},                          /* type */
	    {"{\"text\":\"123456\"}", "text", 400},                   /* 6 > 5 characters */
	    {"{\"text\":\"a\\u0007b\"}", "text", 400},                /* control character */
	    {"{\"text\":\"a\\u0000b\"}", "text", 400},                /* embedded NUL */
	    {"{\"text\":\"ok\",\"num\":11}", "num", 400},             /* range */
	    {"{\"text\":\"ok\",\"num\":\"3\"}", "num", 400},          /* type */
	    {"{\"text\":\"ok\",\"flag\":1}", "flag", 400},            /* type */
	    {"{\"text\":\"ok\",\"status\":\"good\"}", "status", 400}, /* validator */
	    {"{\"text\":null}", "text", 400},                         /* null */
	    {"[1]", "", 400},                                         /* not an object */
	    {"{\"text\":\"ok\"} x", "", 400},                         /* trailing garbage */
	    {"{\"text\":'ok'}", "", 400},                             /* not strict JSON */
	};
	struct json_bvalue v[F_N];
	char field[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(run("application/json", cases[i].body, v, field, sizeof field),
		                 cases[i].status);
		assert_string_equal(field, cases[i].field);
	}
}

static void
test_multibyte_length_counts_characters(void **state)
{
	struct json_bvalue v[F_N];
	char field[64];

	(void)state;
	/* Five Japanese characters are 15 bytes but within the 5-character limit. */
	assert_int_equal(
	    run("application/json", "{\"text\":\"進捗管理表\"}", v, field, sizeof field), 0);
	assert_int_equal(
	    run("application/json", "{\"text\":\"進捗管理表だ\"}", v, field, sizeof field), 400);
}

static void
test_needs_json_content_type(void **state)
{
	struct json_bvalue v[F_N];
	char field[64];

	(void)state;
	assert_int_equal(run("text/plain", "{\"text\":\"ok\"}", v, field, sizeof field), 415);
	assert_int_equal(run(NULL, "{\"text\":\"ok\"}", v, field, sizeof field), 415);
	assert_int_equal(run("application/jsonx", "{\"text\":\"ok\"}", v, field, sizeof field),
	                 415);
	assert_int_equal(run("application/json", NULL, v, field, sizeof field), 400);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accepts_typed_values),
	    cmocka_unit_test(test_refusals_name_the_field),
	    cmocka_unit_test(test_multibyte_length_counts_characters),
	    cmocka_unit_test(test_needs_json_content_type),
	};

	test_load_scale();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
