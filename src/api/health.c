/* GET /api/health: can this worker reach the database? GET /api/statuses:
 * the progress scale, which the page reads instead of a copy of its own. */
#include <json-c/json.h>

#include "endpoints.h"
#include "progress.h"

/* 200 {"status":"ok"} when this worker reaches the database, else 503
 * with Retry-After (never anything else: a load balancer reads it). */
static void
health(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct json_object *o = json_object_new_object(), *err;
	bool up = db_health(db) == DB_OK;

	(void)rq;
	json_object_object_add(o, "status", json_object_new_string(up ? "ok" : "degraded"));
	json_object_object_add(o, "db", json_object_new_string(up ? "ok" : "unavailable"));
	if (!up) {
		err = json_object_new_object();
		json_object_object_add(err, "code", json_object_new_string("db_unavailable"));
		json_object_object_add(err, "message",
		                       json_object_new_string("the database is unavailable"));
		json_object_object_add(o, "error", err);
		http_set_header(res, "Retry-After", "5");
	}
	http_json(res, up ? 200 : 503, o);
}

/* 200 with the progress scale; 503, 500. */
static void
statuses(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	(void)rq;
	api_reply(res, db, db_status_list(db, &json), &json, 200, "statuses");
}

const struct api_endpoint ep_health = {.handler = health, .flags = API_LIVE};
const struct api_endpoint ep_statuses = {.handler = statuses};
