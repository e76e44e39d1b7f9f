/* ETags and 304s, the response cache and the encodings, through the real
 * door against the fake db: which answers are tagged, when the handler
 * runs at all, and that a new data version is a new answer. */
#include <stdlib.h>
#include <string.h>

#include "fake_db.h"
#include "test_util.h"

#include "compress.h"

static int calls;

static void
big(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *body = malloc(4001);

	(void)rq, (void)db;
	calls++;
	memset(body, 'x', 4000);
	body[4000] = '\0';
	http_json_text(res, 200, body);
}

static void
record(const struct api_req *rq, struct db *db, struct http_response *res)
{
	(void)rq, (void)db;
	calls++;
	http_json_text(res, 200, strdup("{\"version\":3}"));
	api_etag(res, 3);
}

static void
write_one(const struct api_req *rq, struct db *db, struct http_response *res)
{
	(void)rq, (void)db;
	calls++;
	http_json_text(res, 201, strdup("{}"));
}

static const struct api_endpoint ep_big = {.handler = big};
static const struct api_endpoint ep_signed = {
    .handler = big, .flags = API_SIGNED, .role = ROLE_VIEWER};
static const struct api_endpoint ep_live = {.handler = big, .flags = API_LIVE};
static const struct api_endpoint ep_record = {.handler = record};
static const struct api_endpoint ep_write = {.handler = write_one};

static const struct http_route routes[] = {
    {HTTP_GET, "/big", &ep_big},      {HTTP_GET, "/signed", &ep_signed},
    {HTTP_GET, "/live", &ep_live},    {HTTP_GET, "/record", &ep_record},
    {HTTP_POST, "/write", &ep_write},
};

static void
call(enum http_method method, const char *path, const char *query, const char *inm, const char *ae,
     bool signed_in, struct http_response *res)
{
	struct http_request req = {0};

	memset(res, 0, sizeof *res);
	req.method = method;
	req.method_name = strdup(http_method_name(method));
	req.path = strdup(path);
	req.query = strdup(query);
	req.if_none_match = inm ? strdup(inm) : NULL;
	req.accept_encoding = ae ? strdup(ae) : NULL;
	if (signed_in)
		req.cookie = strdup("sid=" FAKE_SID);
	api_dispatch(routes, sizeof routes / sizeof routes[0], &req, fake_db_handle(), res);
	http_request_free(&req);
}

static char *
etag_of(const struct http_response *res)
{
	const char *t = http_get_header(res, "ETag");

	assert_non_null(t);
	return strdup(t);
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	fake_db.version = 100;
	calls = 0;
	api_cache_configure(64, NULL);
	return 0;
}

static void
test_tag_and_304_without_the_handler(void **state)
{
	struct http_response res;
	char *tag;

	(void)state;
	call(HTTP_GET, "/big", "", NULL, NULL, false, &res);
	assert_int_equal(res.status, 200);
	tag = etag_of(&res);
	assert_string_equal(http_get_header(&res, "Vary"), "Accept-Encoding");
	http_response_free(&res);
	call(HTTP_GET, "/big", "", tag, NULL, false, &res);
	assert_int_equal(res.status, 304);
	assert_int_equal(res.body_len, 0);
	assert_string_equal(http_get_header(&res, "ETag"), tag);
	assert_int_equal(calls, 1);
	http_response_free(&res);
	/* Another path is another answer; a new version, another tag. */
	call(HTTP_GET, "/record", "", tag, NULL, false, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	fake_db.version = 101;
	call(HTTP_GET, "/big", "", tag, NULL, false, &res);
	assert_int_equal(res.status, 200);
	assert_string_not_equal(http_get_header(&res, "ETag"), tag);
	http_response_free(&res);
	free(tag);
}

static void
test_cache_hit_until_the_version_moves(void **state)
{
	struct http_response res;

	(void)state;
	call(HTTP_GET, "/big", "", NULL, NULL, false, &res);
	http_response_free(&res);
	call(HTTP_GET, "/big", "", NULL, NULL, false, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(res.body_len, 4000);
	assert_int_equal(calls, 1);
	http_response_free(&res);
	fake_db.version = 102;
	call(HTTP_GET, "/big", "", NULL, NULL, false, &res);
	assert_int_equal(calls, 2);
	http_response_free(&res);
	/* An unknown version (the database away) is never cached. */
	fake_db.version = 0;
	call(HTTP_GET, "/big", "", NULL, NULL, false, &res);
	http_response_free(&res);
	call(HTTP_GET, "/big", "", NULL, NULL, false, &res);
	assert_int_equal(calls, 4);
	assert_null(http_get_header(&res, "ETag"));
	http_response_free(&res);
}

static void
test_signed_answers_are_tagged_not_cached(void **state)
{
	struct http_response res;
	char *tag;

	(void)state;
	fake_sign_in("viewer", 7, 0);
	call(HTTP_GET, "/signed", "", NULL, NULL, true, &res);
	tag = etag_of(&res);
	http_response_free(&res);
	call(HTTP_GET, "/signed", "", NULL, NULL, true, &res);
	assert_int_equal(calls, 2);
	http_response_free(&res);
	call(HTTP_GET, "/signed", "", tag, NULL, true, &res);
	assert_int_equal(res.status, 304);
	http_response_free(&res);
	/* Without the session the door refuses before any 304. */
	call(HTTP_GET, "/signed", "", tag, NULL, false, &res);
	assert_int_equal(res.status, 401);
	http_response_free(&res);
	/* Another role is another tag. */
	fake_sign_in("admin", 7, 0);
	call(HTTP_GET, "/signed", "", tag, NULL, true, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	free(tag);
}

static void
test_live_and_record_tags(void **state)
{
	struct http_response res;

	(void)state;
	call(HTTP_GET, "/live", "", NULL, "gzip", false, &res);
	assert_null(http_get_header(&res, "ETag"));
	assert_null(http_get_header(&res, "Content-Encoding"));
	http_response_free(&res);
	call(HTTP_GET, "/live", "", NULL, NULL, false, &res);
	assert_int_equal(calls, 2);
	http_response_free(&res);
	/* A record's version stays its ETag (If-Match reads it), cached too. */
	call(HTTP_GET, "/record", "", NULL, NULL, false, &res);
	assert_string_equal(http_get_header(&res, "ETag"), "\"3\"");
	http_response_free(&res);
	call(HTTP_GET, "/record", "", "\"3\"", NULL, false, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"3\"");
	assert_int_equal(calls, 3);
	http_response_free(&res);
}

static void
test_encoding_from_the_cache(void **state)
{
	struct http_response res;
	const char *tag;

	(void)state;
	for (int i = 0; i < 2; i++) {
		call(HTTP_GET, "/big", "", NULL, "gzip, br", false, &res);
		assert_string_equal(http_get_header(&res, "Content-Encoding"), "br");
		tag = http_get_header(&res, "ETag");
		assert_string_equal(tag + strlen(tag) - 4, "-br\"");
		assert_true(res.body_len < 100);
		http_response_free(&res);
	}
	call(HTTP_GET, "/big", "", NULL, "gzip", false, &res);
	assert_string_equal(http_get_header(&res, "Content-Encoding"), "gzip");
	assert_int_equal((unsigned char)res.body[0], 0x1f);
	http_response_free(&res);
	assert_int_equal(calls, 1);
}

static void
test_tag_matching_and_writes_read_the_version(void **state)
{
	struct http_response res;

	(void)state;
	assert_true(api_tag_matches("\"a-1\"", "a-1"));
	assert_true(api_tag_matches("W/\"a-1-gz\"", "a-1"));
	assert_true(api_tag_matches("\"x\", \"a-1-br\" ", "a-1"));
	assert_false(api_tag_matches("\"a-12\"", "a-1"));
	assert_false(api_tag_matches("*", "a-1"));
	assert_false(api_tag_matches("", "a-1"));
	call(HTTP_POST, "/write", "", NULL, NULL, false, &res);
	assert_int_equal(res.status, 201);
	assert_int_equal(fake_db.version_reads, 1);
	http_response_free(&res);
	call(HTTP_GET, "/big", "", NULL, NULL, false, &res);
	assert_int_equal(fake_db.version_reads, 1);
	http_response_free(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_tag_and_304_without_the_handler, setup),
	    cmocka_unit_test_setup(test_cache_hit_until_the_version_moves, setup),
	    cmocka_unit_test_setup(test_signed_answers_are_tagged_not_cached, setup),
	    cmocka_unit_test_setup(test_live_and_record_tags, setup),
	    cmocka_unit_test_setup(test_encoding_from_the_cache, setup),
	    cmocka_unit_test_setup(test_tag_matching_and_writes_read_the_version, setup),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	api_cache_configure(0, NULL);
	return rc;
}
