/* GET /api/audit?entity=activity_year&id=12/2024: the history of one
 * record, for any signed-in user. The log is append-only in the database;
 * the API has no way to change it. */
#include <string.h>

#include "auth.h"
#include "handlers.h"
#include "valid.h"

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
	                                       "milestone"};
	size_t i;

	for (i = 0; i < sizeof entities / sizeof entities[0]; i++)
		if (strcmp(raw, entities[i]) == 0) {
			out->s = entities[i];
			return NULL;
		}
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

void
h_audit_list(struct http_request *req, struct db *db, struct http_response *res)
{
	struct http_qresult q[Q_N];
	struct auth_user u;
	char limit[24], offset[24];
	const char *p[4];

	if (http_query_validate(req, audit_fields, Q_N, q, res) != 0)
		return;
	if (!q[Q_ENTITY].present || !q[Q_ID].present) {
		http_error(res, 400, "bad_parameter", q[Q_ENTITY].present ? "id" : "entity",
		           "%s: required", q[Q_ENTITY].present ? "id" : "entity");
		return;
	}
	if (auth_require(req, db, 0, ROLE_VIEWER, &u, res) != 0)
		return;
	p[0] = q[Q_ENTITY].v.s;
	p[1] = q[Q_ID].v.s;
	p[2] = h_param_int(limit, true, q[Q_LIMIT].present ? q[Q_LIMIT].v.i : 100);
	p[3] = h_param_int(offset, true, q[Q_OFFSET].present ? q[Q_OFFSET].v.i : 0);
	h_json_query(db, "audit_list", 4, p, res, "audit", 0);
}
