/* Route matching: captures, 404, 405 with Allow, and typed captures. */
#include <string.h>

#include "test_util.h"

#include "api.h"
#include "router.h"

/* Targets are opaque to the router: two distinct addresses will do. */
static const char h_a[1], h_b[1];

static const struct http_route routes[] = {
    {HTTP_GET, "/api/plans", h_a},
    {HTTP_GET, "/api/plans/{id}", h_b},
    {HTTP_PATCH, "/api/activities/{id}/years/{fy}", h_a},
    {HTTP_GET, "/api/reports/{fy}/summary", h_b},
};

/* The matched route's target, or NULL; m holds the captures. */
static struct http_match m;

static const void *
match(const char *method, const char *path, struct http_request *req, struct http_response *res)
{
	memset(req, 0, sizeof *req);
	memset(res, 0, sizeof *res);
	req->method = http_method_parse(method);
	req->path = (char *)path;
	if (router_match(routes, sizeof routes / sizeof routes[0], req, &m, res) != 0)
		return NULL;
	return m.route->target;
}

static void
test_match(void **state)
{
	struct http_request req;
	struct http_response res;

	(void)state;
	assert_ptr_equal(match("GET", "/api/plans", &req, &res), h_a);
	assert_int_equal(m.ncaptures, 0);
	assert_ptr_equal(match("GET", "/api/plans/42", &req, &res), h_b);
	assert_int_equal(m.ncaptures, 1);
	assert_int_equal(m.captures[0], 42);
	assert_ptr_equal(match("PATCH", "/api/activities/7/years/2024", &req, &res), h_a);
	assert_int_equal(m.ncaptures, 2);
	assert_int_equal(m.captures[0], 7);
	assert_int_equal(m.captures[1], 2024);
	/* HEAD is served by the GET route. */
	assert_ptr_equal(match("HEAD", "/api/plans", &req, &res), h_a);
}

static void
test_not_found(void **state)
{
	struct http_request req;
	struct http_response res;
	struct json_object *o;
	const char *paths[] = {"/api/plan", "/api/plans/", "/api/plans/1/x",
	                       "/",         "/api//plans", "/api/plansx"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		assert_null(match("GET", paths[i], &req, &res));
		assert_int_equal(res.status, 404);
		o = test_parse_body(res.body);
		assert_string_equal(test_error_field(o, "code"), "not_found");
		json_object_put(o);
		http_response_free(&res);
	}
}

static void
test_method_not_allowed(void **state)
{
	struct http_request req;
	struct http_response res;

	(void)state;
	assert_null(match("POST", "/api/plans/3", &req, &res));
	assert_int_equal(res.status, 405);
	assert_int_equal(res.nheaders, 1);
	assert_string_equal(res.headers[0].name, "Allow");
	assert_string_equal(res.headers[0].value, "GET, HEAD");
	http_response_free(&res);
	assert_null(match("GET", "/api/activities/1/years/2024", &req, &res));
	assert_int_equal(res.status, 405);
	assert_string_equal(res.headers[0].value, "PATCH");
	http_response_free(&res);
}

static void
test_bad_capture(void **state)
{
	struct http_request req;
	struct http_response res;
	struct json_object *o;

	(void)state;
	assert_null(match("GET", "/api/plans/abc", &req, &res));
	assert_int_equal(res.status, 400);
	o = test_parse_body(res.body);
	assert_string_equal(test_error_field(o, "field"), "id");
	json_object_put(o);
	http_response_free(&res);

	assert_null(match("GET", "/api/plans/0", &req, &res));
	assert_int_equal(res.status, 400);
	http_response_free(&res);

	assert_null(match("GET", "/api/reports/1999/summary", &req, &res));
	assert_int_equal(res.status, 400);
	o = test_parse_body(res.body);
	assert_string_equal(test_error_field(o, "field"), "fy");
	json_object_put(o);
	http_response_free(&res);

	assert_null(match("GET", "/api/plans/99999999999999999999999", &req, &res));
	assert_int_equal(res.status, 400);
	http_response_free(&res);
}

static void
test_app_table(void **state)
{
	size_t i, j;

	(void)state;
	/* No two routes of the application may claim the same method and path. */
	for (i = 0; i < api_nroutes; i++) {
		const struct api_endpoint *ep = api_routes[i].target;

		assert_non_null(ep);
		assert_non_null(ep->handler);
		assert_int_equal(strncmp(api_routes[i].pattern, "/api/", 5), 0);
		/* Every write needs a session and its CSRF token. */
		if (api_routes[i].method != HTTP_GET &&
		    strcmp(api_routes[i].pattern, "/api/session") != 0)
			assert_true((ep->flags & API_SIGNED) && (ep->flags & API_CSRF));
		for (j = i + 1; j < api_nroutes; j++)
			assert_false(api_routes[i].method == api_routes[j].method &&
			             strcmp(api_routes[i].pattern, api_routes[j].pattern) == 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_match),
	    cmocka_unit_test(test_not_found),
	    cmocka_unit_test(test_method_not_allowed),
	    cmocka_unit_test(test_bad_capture),
	    cmocka_unit_test(test_app_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
