/* Query-string parsing, percent-decoding and the validator driver. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include "http.h"
#include "valid.h"

static void
parse(struct http_request *req, struct http_response *res, const char *query, int expect)
{
	memset(req, 0, sizeof *req);
	memset(res, 0, sizeof *res);
	req->query = strdup(query);
	assert_int_equal(http_parse_query(req, res), expect);
}

static void
test_decode(void **state)
{
	char *s;

	(void)state;
	s = http_decode("a%20b+c%E4%B8%AD", 16, true);
	assert_string_equal(s, "a b c中");
	free(s);
	s = http_decode("a+b", 3, false);
	assert_string_equal(s, "a+b");
	free(s);
	assert_null(http_decode("%", 1, true));
	assert_null(http_decode("%4", 2, true));
	assert_null(http_decode("%zz", 3, true));
	/* An encoded NUL would cut the string short behind the validators' backs. */
	assert_null(http_decode("a%00b", 5, true));
}

static void
test_parse_query(void **state)
{
	struct http_request req;
	struct http_response res;

	(void)state;
	parse(&req, &res, "fy=2024&q=%E6%88%B8%E7%B1%8D&&flag", 0);
	assert_int_equal(req.nparams, 3);
	assert_string_equal(req.params[0].key, "fy");
	assert_string_equal(req.params[0].val, "2024");
	assert_string_equal(req.params[1].val, "戸籍");
	assert_string_equal(req.params[2].key, "flag");
	assert_string_equal(req.params[2].val, "");
	http_request_free(&req);
	http_response_free(&res);
}

static void
test_parse_query_rejects(void **state)
{
	struct http_request req;
	struct http_response res;
	struct json_object *o;
	char big[HTTP_MAX_PARAMS * 6 + 16] = "";
	int i;

	(void)state;
	parse(&req, &res, "fy=2024&fy=2023", -1);
	assert_int_equal(res.status, 400);
	o = test_parse_body(res.body);
	assert_string_equal(test_error_field(o, "field"), "fy");
	json_object_put(o);
	http_request_free(&req);
	http_response_free(&res);

	parse(&req, &res, "q=%E6%88", 0); /* decoding is fine; UTF-8 is the validator's job */
	http_request_free(&req);
	http_response_free(&res);

	parse(&req, &res, "q=%G0", -1);
	assert_int_equal(res.status, 400);
	http_request_free(&req);
	http_response_free(&res);

	for (i = 0; i <= HTTP_MAX_PARAMS; i++)
		sprintf(big + strlen(big), "k%d=1&", i);
	parse(&req, &res, big, -1);
	assert_int_equal(res.status, 400);
	http_request_free(&req);
	http_response_free(&res);
}

static const struct http_qfield fields[] = {{"fy", valid_fiscal_year}, {"q", valid_search}};

static void
test_query_validate(void **state)
{
	struct http_request req;
	struct http_response res;
	struct http_qresult out[2];
	struct json_object *o;

	(void)state;
	parse(&req, &res, "fy=2024&q=ＡＩ", 0);
	assert_int_equal(http_query_validate(&req, fields, 2, out, &res), 0);
	assert_true(out[0].present);
	assert_int_equal(out[0].v.i, 2024);
	assert_string_equal(out[1].v.s, "ＡＩ");
	http_request_free(&req);

	parse(&req, &res, "fy=abc", 0);
	assert_int_equal(http_query_validate(&req, fields, 2, out, &res), -1);
	assert_int_equal(res.status, 400);
	o = test_parse_body(res.body);
	assert_string_equal(test_error_field(o, "code"), "bad_parameter");
	assert_string_equal(test_error_field(o, "field"), "fy");
	assert_non_null(strstr(test_error_field(o, "message"), "fy:"));
	json_object_put(o);
	http_request_free(&req);
	http_response_free(&res);

	parse(&req, &res, "foo=1", 0);
	assert_int_equal(http_query_validate(&req, fields, 2, out, &res), -1);
	o = test_parse_body(res.body);
	assert_string_equal(test_error_field(o, "field"), "foo");
	json_object_put(o);
	http_request_free(&req);
	http_response_free(&res);

	parse(&req, &res, "", 0);
	assert_int_equal(http_query_validate(&req, fields, 2, out, &res), 0);
	assert_false(out[0].present);
	assert_false(out[1].present);
	http_request_free(&req);
}

static void
test_method_and_status(void **state)
{
	(void)state;
	assert_int_equal(http_method_parse("GET"), HTTP_GET);
	assert_int_equal(http_method_parse("PATCH"), HTTP_PATCH);
	assert_int_equal(http_method_parse("get"), HTTP_OTHER);
	assert_int_equal(http_method_parse(NULL), HTTP_OTHER);
	assert_string_equal(http_status_text(428), "Precondition Required");
	assert_string_equal(http_status_text(503), "Service Unavailable");
}

/* Nothing is cut: a long Japanese message stays whole (and so valid
 * UTF-8), and any number of headers is kept, a repeated name replaced. */
static void
test_nothing_truncated(void **state)
{
	struct http_response res = {0};
	struct json_object *o;
	char path[3 * 400 + 1] = "", name[16];
	const char *msg;
	size_t i;

	(void)state;
	for (i = 0; i < 400; i++)
		strcat(path, "中");
	http_error(&res, 404, "not_found", NULL, "no such resource: %s", path);
	o = test_parse_body(res.body);
	msg = test_error_field(o, "message");
	assert_int_equal(strlen(msg), strlen("no such resource: ") + strlen(path));
	assert_true(valid_utf8_text(msg, strlen(msg), false));
	json_object_put(o);
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "X-H%zu", i);
		http_set_header(&res, name, path);
	}
	http_set_header(&res, "Cache-Control", "no-store");
	http_set_header(&res, "cache-control", "private");
	assert_int_equal(res.nheaders, 21);
	assert_string_equal(http_get_header(&res, "X-H19"), path);
	assert_string_equal(http_get_header(&res, "Cache-Control"), "private");
	assert_false(res.failed);
	http_response_free(&res);
	assert_string_equal(http_status_text(422), "Unprocessable Content");
	assert_string_equal(http_method_name(HTTP_PATCH), "PATCH");
	assert_int_equal(http_method_parse("PATCH"), HTTP_PATCH);
	assert_null(http_method_name(HTTP_OTHER));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_parse_query),
	    cmocka_unit_test(test_parse_query_rejects),
	    cmocka_unit_test(test_query_validate),
	    cmocka_unit_test(test_method_and_status),
	    cmocka_unit_test(test_nothing_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
