/* JSON bodies are validated at the door: every refusal names the field. */
#include <stdlib.h>
#include <string.h>

#include "scale.h"
#include "test_util.h"

#include "json_body.h"
#include "valid.h"

enum { F_TEXT, F_NUM, F_FLAG, F_STATUS, F_NOTE, F_N };

static const struct json_bfield fields[F_N] = {
    [F_TEXT] = {"text", JB_TEXT, true, 0, 5, true, false, NULL},
    [F_NUM] = {"num", JB_INT, false, 1, 10, false, false, NULL},
    [F_FLAG] = {"flag", JB_BOOL, false, 0, 0, false, false, NULL},
    [F_STATUS] = {"status", JB_TEXT, false, 0, 20, false, true, valid_status},
    [F_NOTE] = {"note", JB_TEXT, false, 0, 100, true, false, NULL},
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
	    /* What json-c 0.16 lets through silently: a duplicate key (it keeps
	     * the last), a lone surrogate (it stores U+FFFD) and a key cut at
	     * \u0000, wherever in the body. */
	    {"{\"text\":\"a\",\"text\":\"b\"}", "text", 400},
	    {"{\"text\":\"ok\",\"num\":1,\"num\":2}", "num", 400},
	    {"{\"text\":\"ok\",\"flag\":true,\"\\u0066lag\":false}", "flag", 400}, /* escaped */
	    {"{\"text\":\"ok\",\"note\":{\"a\":1,\"a\":2}}", "note", 400},         /* nested */
	    {"{\"text\":\"ok\",\"note\":[{\"a\":1},{\"b\":[{\"c\":1,\"c\":1}]}]}", "note", 400},
	    {"{\"text\":\"\\ud800\"}", "text", 400},
	    {"{\"text\":\"\\udc00\"}", "text", 400},                        /* a low one alone */
	    {"{\"text\":\"ok\",\"note\":\"x\\ud800\"}", "note", 400},       /* at the end */
	    {"{\"text\":\"ok\",\"note\":\"\\ud800\\u0041\"}", "note", 400}, /* not a low one */
	    {"{\"text\":\"ok\",\"note\":\"\\uD800\\uD800\"}", "note", 400}, /* two high ones */
	    {"{\"text\":\"ok\",\"note\":[\"\\udfff\"]}", "note", 400},
	    {"{\"text\\u0000x\":\"ok\"}", "text", 400}, /* json-c would read it as text */
	    {"{\"text\":\"ok\",\"\\ud800\":1}", "", 400},
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

/* The walk reads escapes as JSON does: pairs, escaped quotes and
 * backslashes, and the same key in different objects are fine. */
static void
test_honest_escapes_pass(void **state)
{
	struct http_request req = {0};
	struct http_response res = {0};
	struct json_bvalue v[F_N];
	struct json_body b;
	const char *body =
	    "{\"text\":\"\\ud83d\\ude00\", \"note\":\"a\\\"b\\\\ud800 \\uFFFD\\u00e9\"}";

	(void)state;
	req.content_type = "application/json";
	req.body = (char *)body;
	req.content_length = strlen(body);
	assert_int_equal(json_body_parse(&req, fields, F_N, v, &b, &res), 0);
	assert_string_equal(v[F_TEXT].s, "\xF0\x9F\x98\x80");
	assert_string_equal(v[F_NOTE].s, "a\"b\\ud800 \xEF\xBF\xBD\xC3\xA9");
	json_body_free(&b);
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
	    cmocka_unit_test(test_honest_escapes_pass),
	    cmocka_unit_test(test_multibyte_length_counts_characters),
	    cmocka_unit_test(test_needs_json_content_type),
	};

	test_load_scale();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
