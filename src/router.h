/* The one route table: method + path pattern -> handler. A pattern segment
 * "{name}" captures a positive integer into req->captures. */
#ifndef SHINCHOKU_ROUTER_H
#define SHINCHOKU_ROUTER_H

#include "http.h"

struct db;

typedef void (*handler_fn)(struct http_request *req, struct db *db, struct http_response *res);

struct route {
	enum http_method method;
	const char *pattern; /* "/api/activities/{id}" */
	handler_fn handler;
};

/* Finds the handler for req; fills req->captures. On no match sets res to
 * 404, to 405 (with Allow) when the path exists for other methods, or to 400
 * when a capture is not a valid id, and returns NULL. */
handler_fn router_match(const struct route *routes, size_t nroutes, struct http_request *req,
                        struct http_response *res);

/* The application's table. */
extern const struct route app_routes[];
extern const size_t app_nroutes;

/* Parses the query string and finds the application's handler for req.
 * Returns NULL with res already set (400, 404, 405) when there is none. */
handler_fn router_resolve(struct http_request *req, struct http_response *res);

#endif
