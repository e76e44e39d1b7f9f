/* GET /api/audit?entity=activity_year&id=12/2024: the history of one
 * record, for any signed-in user (viewer and up, admins alike), except the
 * history of users (entity app_user): its before/after hold each user's
 * login, name, role, department and password-change times, the directory
 * that /api/users keeps for admins, so it is for admins too. The log is
 * append-only in the database; the API has no way to change it. */
#include <string.h>

#include "audit.h"
#include "endpoints.h"

static const char *
valid_entity(const char *raw, union http_qval *out)
{
	static const char *const entities[] = {"activity_year",
	                                       "activity",
	                                       "activity_department",
	                                       "placement",
	                                       "status_request",
	                                       "app_user",
	                                       "plan",
	                                       "goal",
	                                       "measure",
	                                       "department",
	                                       "indicator",
	                                       "indicator_value",
	                                       "indicator_footnote",
	                                       "footnote",
	                                       "milestone",
	                                       NULL};

	if (valid_one_of(raw, entities, out))
		return NULL;
	return "must name an audited record type such as activity_year or status_request";
}

/* A record key as the audit trigger writes it: "12", "12/2024", "3/2025/target". */
static const char *
valid_entity_id(const char *raw, union http_qval *out)
{
	size_t n = strlen(raw);

	if (n == 0 || n > 64 || strspn(raw, "0123456789abcdefghijklmnopqrstuvwxyz_/") != n)
		return "must be a record key such as 12 or 12/2024";
	out->s = raw;
	return NULL;
}

enum { Q_ENTITY, Q_ID, Q_LIMIT, Q_OFFSET, Q_N };

static const struct http_qfield audit_fields[Q_N] = {
    [Q_ENTITY] = {"entity", valid_entity},
    [Q_ID] = {"id", valid_entity_id},
    [Q_LIMIT] = {"limit", valid_limit},
    [Q_OFFSET] = {"offset", valid_offset},
};

#define LIMIT_DEFAULT 100

/* Before the session: both entity and id. 0, or -1 with a 400 naming the
 * one missing (entity first). */
static int
audit_check(const struct api_req *rq, struct http_response *res)
{
	const char *missing = !rq->q[Q_ENTITY].present ? "entity" : "id";

	if (rq->q[Q_ENTITY].present && rq->q[Q_ID].present)
		return 0;
	http_error(res, 400, "bad_parameter", missing, "%s: required", missing);
	return -1;
}

/* 200 {"entity", "id", "total", "items"}, or the db failure; 403 for the
 * history of a user asked by anyone but an admin, before any query of
 * the log (the door has resolved the session, so the role is known). */
static void
audit_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	enum db_rc rc;

	if (strcmp(rq->q[Q_ENTITY].v.s, "app_user") == 0 && rq->user.role != ROLE_ADMIN) {
		http_error(res, 403, "forbidden", "entity",
		           "the history of users needs the role %s", api_role_name(ROLE_ADMIN));
		return;
	}
	rc = db_audit_list(db, rq->q[Q_ENTITY].v.s, rq->q[Q_ID].v.s,
	                   rq->q[Q_LIMIT].present ? rq->q[Q_LIMIT].v.i : LIMIT_DEFAULT,
	                   rq->q[Q_OFFSET].present ? rq->q[Q_OFFSET].v.i : 0, &json);

	api_reply(res, db, rc, &json, 200, "audit");
}

const struct api_endpoint ep_audit_list = {.handler = audit_list,
                                           .query = audit_fields,
                                           .nquery = Q_N,
                                           .flags = API_SIGNED,
                                           .role = ROLE_VIEWER,
                                           .check = audit_check};
