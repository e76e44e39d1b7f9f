/* A plan's own terms (sql/014): GET /api/statuses?plan= (the scale of a
 * plan, in health.c's place of old) and PUT /api/plans/{id}/scheme, by
 * which an admin defines a draft plan's levels, code format and scale. The
 * body is a whole definition (docs/plan-format.md), nested, so the door
 * passes it raw: it must be a JSON object, and the database judges every
 * member of it (plan_scheme_define), naming the field it refuses. */
#include <string.h>

#include <json-c/json.h>

#include "endpoints.h"
#include "progress.h"

/* ?plan= of the scale. */
static const struct http_qfield plan_param[] = {{"plan", valid_id}};

/* 200 with the plan's scale (the reporting plan's without ?plan=); 404 for
 * no such plan; 503, 500. */
static void
statuses(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_status_list(db, rq->q[0].present ? rq->q[0].v.i : 0, &json), &json,
	          200, "plan");
}

/* 200 with the plan's scheme as stored; 400 a body that is no JSON object
 * or a definition the database refuses (naming levels, code_pattern,
 * scale, …); 404, 403, 409 not_draft or scheme_fixed, 503, 500. */
static void
scheme_put(const struct api_req *rq, struct db *db, struct http_response *res)
{
	const char *body = rq->http->body;
	size_t len = body ? rq->http->content_length : 0;
	struct json_object *def = NULL;
	struct json_tokener *tok;
	char *json = NULL;

	if (len > 0 && strlen(body) == len && (tok = json_tokener_new()) != NULL) {
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
		def = json_tokener_parse_ex(tok, body, (int)len);
		if (json_tokener_get_error(tok) != json_tokener_success) {
			json_object_put(def);
			def = NULL;
		}
		json_tokener_free(tok);
	}
	if (def == NULL || json_object_get_type(def) != json_type_object) {
		json_object_put(def);
		http_error(res, 400, "bad_body", NULL,
		           "定義（階層・コードの形式・評価の区分）を JSON "
		           "のオブジェクトで送ってください。");
		return;
	}
	json_object_put(def);
	api_reply(res, db, db_scheme_define(db, rq->user.id, rq->cap[0], body, &json), &json, 200,
	          "plan");
}

const struct api_endpoint ep_statuses = {.handler = statuses, .query = plan_param, .nquery = 1};
const struct api_endpoint ep_scheme_put = {
    .handler = scheme_put, .flags = API_SIGNED | API_CSRF | API_RAW_BODY, .role = ROLE_ADMIN};
