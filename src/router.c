/* Matching a path against the route table. Patterns are split on '/', so a
 * route is a list of literal segments and typed captures; nothing here
 * allocates. */
#include "router.h"

#include <stdio.h>
#include <string.h>

#include "valid.h"

/* Compares one segment of the path (seg, len) with one of the pattern. */
static bool
segment_matches(const char *pat, size_t plen, const char *seg, size_t slen)
{
	if (plen >= 2 && pat[0] == '{' && pat[plen - 1] == '}')
		return slen > 0;
	return plen == slen && memcmp(pat, seg, plen) == 0;
}

static size_t
segment_len(const char *s)
{
	const char *slash = strchr(s, '/');

	return slash ? (size_t)(slash - s) : strlen(s);
}

/* Structural match: same number of segments, literals equal. */
static bool
route_matches(const char *pattern, const char *path)
{
	size_t plen, slen;

	for (;;) {
		plen = segment_len(pattern);
		slen = segment_len(path);
		if (!segment_matches(pattern, plen, path, slen))
			return false;
		pattern += plen;
		path += slen;
		if (*pattern == '\0' || *path == '\0')
			return *pattern == *path;
		pattern++;
		path++;
	}
}

/* Validates the captures of a matched route into req->captures: {fy} is a
 * fiscal year, anything else an id. Returns false with res set to a 400. */
static bool
route_capture(const char *pattern, struct http_request *req, struct http_response *res)
{
	const char *path = req->path;
	char name[32], raw[64];
	union http_qval v;
	const char *why;
	size_t plen, slen;

	req->ncaptures = 0;
	for (; *pattern != '\0';
	     pattern += plen + (pattern[plen] == '/'), path += slen + (path[slen] == '/')) {
		plen = segment_len(pattern);
		slen = segment_len(path);
		if (pattern[0] != '{')
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(plen - 2), pattern + 1);
		snprintf(raw, sizeof raw, "%.*s", (int)(slen < sizeof raw ? slen : sizeof raw - 1),
		         path);
		why = strcmp(name, "fy") == 0 ? valid_fiscal_year(raw, &v) : valid_id(raw, &v);
		if (slen >= sizeof raw || why != NULL || req->ncaptures == HTTP_MAX_CAPTURES) {
			http_error(res, 400, "bad_parameter", name, "%s: %s", name,
			           why ? why : "too long");
			return false;
		}
		req->captures[req->ncaptures++] = v.i;
	}
	return true;
}

static void
router_not_allowed(const struct route *routes, size_t nroutes, const char *path,
                   struct http_response *res)
{
	static const char *const names[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
	char allow[128] = "";
	size_t i;

	for (i = 0; i < nroutes; i++) {
		if (!route_matches(routes[i].pattern, path))
			continue;
		if (allow[0] != '\0')
			strncat(allow, ", ", sizeof allow - strlen(allow) - 1);
		strncat(allow, names[routes[i].method], sizeof allow - strlen(allow) - 1);
		if (routes[i].method == HTTP_GET)
			strncat(allow, ", HEAD", sizeof allow - strlen(allow) - 1);
	}
	http_error(res, 405, "method_not_allowed", NULL, "method not allowed; use %s", allow);
	http_add_header(res, "Allow", allow);
}

handler_fn
router_match(const struct route *routes, size_t nroutes, struct http_request *req,
             struct http_response *res)
{
	/* HEAD is GET without the body; the worker drops the body. */
	enum http_method m = req->method == HTTP_HEAD ? HTTP_GET : req->method;
	bool path_known = false;
	size_t i;

	for (i = 0; i < nroutes; i++) {
		if (!route_matches(routes[i].pattern, req->path))
			continue;
		path_known = true;
		if (routes[i].method != m)
			continue;
		return route_capture(routes[i].pattern, req, res) ? routes[i].handler : NULL;
	}
	if (path_known)
		router_not_allowed(routes, nroutes, req->path, res);
	else
		http_error(res, 404, "not_found", NULL, "no such resource: %s", req->path);
	return NULL;
}

handler_fn
router_resolve(struct http_request *req, struct http_response *res)
{
	if (http_parse_query(req, res) != 0)
		return NULL;
	return router_match(app_routes, app_nroutes, req, res);
}
