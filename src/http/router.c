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

/* Validates the captures of a matched route into m->captures: {fy} is a
 * fiscal year, anything else an id. Returns false with res set to a 400. */
static bool
route_capture(const char *pattern, const char *path, struct http_match *m,
              struct http_response *res)
{
	char name[32], raw[64];
	union http_qval v;
	const char *why;
	size_t plen, slen;

	m->ncaptures = 0;
	for (; *pattern != '\0';
	     pattern += plen + (pattern[plen] == '/'), path += slen + (path[slen] == '/')) {
		plen = segment_len(pattern);
		slen = segment_len(path);
		if (pattern[0] != '{')
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(plen - 2), pattern + 1);
		/* An id or a year longer than raw is invalid anyway: say so
		 * rather than judge a cut copy. */
		why = slen >= sizeof raw ? "too long" : NULL;
		if (why == NULL) {
			memcpy(raw, path, slen);
			raw[slen] = '\0';
			why = strcmp(name, "fy") == 0 ? valid_fiscal_year(raw, &v)
			                              : valid_id(raw, &v);
		}
		if (why != NULL || m->ncaptures == HTTP_MAX_CAPTURES) {
			http_error(res, 400, "bad_parameter", name, "%s: %s", name,
			           why ? why : "too many captures");
			return false;
		}
		m->captures[m->ncaptures++] = v.i;
	}
	return true;
}

static void
router_not_allowed(const struct http_route *routes, size_t nroutes, const char *path,
                   struct http_response *res)
{
	char allow[128] = "";
	size_t i;

	for (i = 0; i < nroutes; i++) {
		if (!route_matches(routes[i].pattern, path))
			continue;
		if (allow[0] != '\0')
			strncat(allow, ", ", sizeof allow - strlen(allow) - 1);
		strncat(allow, http_method_name(routes[i].method),
		        sizeof allow - strlen(allow) - 1);
		if (routes[i].method == HTTP_GET)
			strncat(allow, ", HEAD", sizeof allow - strlen(allow) - 1);
	}
	http_error(res, 405, "method_not_allowed", NULL, "method not allowed; use %s", allow);
	http_set_header(res, "Allow", allow);
}

int
router_match(const struct http_route *routes, size_t nroutes, const struct http_request *req,
             struct http_match *m, struct http_response *res)
{
	/* HEAD is GET without the body; the worker drops the body. */
	enum http_method meth = req->method == HTTP_HEAD ? HTTP_GET : req->method;
	bool path_known = false;
	size_t i;

	memset(m, 0, sizeof *m);
	for (i = 0; i < nroutes; i++) {
		if (!route_matches(routes[i].pattern, req->path))
			continue;
		path_known = true;
		if (routes[i].method != meth)
			continue;
		if (!route_capture(routes[i].pattern, req->path, m, res))
			return -1;
		m->route = &routes[i];
		return 0;
	}
	if (path_known)
		router_not_allowed(routes, nroutes, req->path, res);
	else
		http_error(res, 404, "not_found", NULL, "no such resource: %s", req->path);
	return -1;
}
