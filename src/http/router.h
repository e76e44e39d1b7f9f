/* Matching a request against a route table: method + path pattern. A
 * pattern segment "{name}" captures a positive integer ("{fy}": a fiscal
 * year). The table itself is the api layer's (api/routes.c). */
#ifndef SHINCHOKU_ROUTER_H
#define SHINCHOKU_ROUTER_H

#include "http.h"

struct http_route {
	enum http_method method;
	const char *pattern; /* "/api/activities/{id}" */
	const void *target;  /* what the caller dispatches to */
};

struct http_match {
	const struct http_route *route;
	int64_t captures[HTTP_MAX_CAPTURES]; /* typed, in pattern order */
	size_t ncaptures;
};

/* Finds the route for req (HEAD matches GET). Returns 0 with m filled, or
 * -1 with res set to 404, to 405 (with Allow) when the path exists for
 * other methods, or to 400 when a capture is not valid. */
int router_match(const struct http_route *routes, size_t nroutes, const struct http_request *req,
                 struct http_match *m, struct http_response *res);

#endif
