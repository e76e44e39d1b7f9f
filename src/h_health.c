/* GET /api/health: is this worker able to reach the database? */
#include <json-c/json.h>

#include "handlers.h"

void
h_health(struct http_request *req, struct db *db, struct http_response *res)
{
	struct json_object *o = json_object_new_object(), *err;
	PGresult *r = db_ensure(db, app_statements) == 0 ? db_exec(db, "health", 0, NULL) : NULL;
	bool up = db_ok(r);

	(void)req;
	PQclear(r);
	json_object_object_add(o, "status", json_object_new_string(up ? "ok" : "degraded"));
	json_object_object_add(o, "db", json_object_new_string(up ? "ok" : "unavailable"));
	if (!up) {
		err = json_object_new_object();
		json_object_object_add(err, "code", json_object_new_string("db_unavailable"));
		json_object_object_add(err, "message",
		                       json_object_new_string("the database is unavailable"));
		json_object_object_add(o, "error", err);
		http_add_header(res, "Retry-After", "5");
	}
	http_json(res, up ? 200 : 503, o);
}
