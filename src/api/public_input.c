/* Public input on a plan: the public comment (/api/plans/{id}/public-comment),
 * the opinion exchange sessions (/api/plans/{id}/exchange-sessions,
 * /api/exchange-sessions/{id}) and the result table of each, its opinion
 * groups (…/opinions, /api/public-comment-opinions/{id},
 * /api/exchange-session-opinions/{id}), and the public comment's table as
 * CSV. Everyone reads; only admins write, each write with If-Match but a
 * creation; the tallies per topic and outcome are the database's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "endpoints.h"
#include "export.h"
#include "public_input.h"

#define COUNT_MAX 1000000

/* A count that may be absent: -1 then. */
static int64_t
bcount(const struct api_req *rq, int k)
{
	return rq->b[k].present ? rq->b[k].i : -1;
}

/* An optional number where 0 means absent (numbers start at 1). */
static int64_t
bnum(const struct api_req *rq, int k)
{
	return rq->b[k].present ? rq->b[k].i : 0;
}

/* Sends at least one of the n fields: 0, or -1 with a 400. */
static int
any_field(const struct api_req *rq, size_t n, struct http_response *res)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rq->b[i].present)
			return 0;
	http_error(res, 400, "bad_body", NULL, "nothing to change: send at least one field");
	return -1;
}

/* A deletion done: 200 with what was deleted. */
static void
deleted(struct http_response *res, int64_t id)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "deleted", json_object_new_boolean(1));
	http_json(res, 200, o);
}

/* 200 with the record and its ETag; else api_db_error (404, 503, 500). */
static void
read_versioned(struct http_response *res, struct db *db, enum db_rc rc, char **json,
               int64_t version, const char *what)
{
	api_written(res, db, rc == DB_STALE ? DB_BUG : rc, json, version, 200, what);
}

/* ---- the public comment ---- */

enum { PC_STARTS, PC_ENDS, PC_SUBMITTERS, PC_OPINIONS, PC_NOTES, PC_N };

static const struct json_bfield pc_fields[PC_N] = {
    [PC_STARTS] = {.name = "starts_on", .kind = JB_TEXT, .max = 10, .valid = valid_date},
    [PC_ENDS] = {.name = "ends_on", .kind = JB_TEXT, .max = 10, .valid = valid_date},
    [PC_SUBMITTERS] = {.name = "submitters", .kind = JB_INT, .min = 0, .max = COUNT_MAX},
    [PC_OPINIONS] = {.name = "opinions", .kind = JB_INT, .min = 0, .max = COUNT_MAX},
    [PC_NOTES] = {.name = "notes", .kind = JB_TEXT, .max = 2000, .multiline = true},
};

/* 200 with the plan's public comment, its tallies and its ETag; 404 when
 * there is no such plan; 503, 500. */
static void
pc_get(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc = db_pc_get(db, rq->cap[0], &json, &version);

	read_versioned(res, db, rc, &json, version, "plan");
}

/* Replaces the period, the counts and the notes (an absent field is not
 * recorded). Answers 200 with the record and its ETag; 409 with the
 * record as it is now when the version was stale; else api_db_error (400
 * naming ends_on for a period that ends before it starts, 404, 403, 503,
 * 500). */
static void
pc_put(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_public_comment pc = {
	    .starts_on = api_btext(rq, PC_STARTS),
	    .ends_on = api_btext(rq, PC_ENDS),
	    .notes = api_btext(rq, PC_NOTES),
	    .submitters = bcount(rq, PC_SUBMITTERS),
	    .opinions = bcount(rq, PC_OPINIONS),
	};
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc = db_pc_put(db, rq->user.id, rq->cap[0], rq->version, &pc, &json, &version);

	api_written(res, db, rc, &json, version, 200, "plan");
}

/* The public comment's table as CSV: 200 as an attachment; 404 when there
 * is no such plan; 500 when it could not be written; else api_db_error. */
static void
pc_csv(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_opinion_table t;
	char disposition[96], *data;
	size_t len = 0;
	enum db_rc rc = db_opinion_export(db, rq->cap[0], &t);

	if (rc != DB_OK) {
		api_db_error(res, db, rc, "plan");
		return;
	}
	if ((data = export_csv_cells(DB_OPINION_COLUMNS, t.titles, t.nrows, t.cells, &len)) ==
	    NULL) {
		http_error(res, 500, "internal", NULL, "the file could not be written");
	} else {
		snprintf(disposition, sizeof disposition,
		         "attachment; filename=\"shinchoku-public-comment-%lld.csv\"",
		         (long long)rq->cap[0]);
		http_set_header(res, "Content-Disposition", disposition);
		http_body(res, 200, "text/csv; charset=utf-8", data, len);
	}
	db_opinion_table_free(&t);
}

/* ---- opinion groups ---- */

enum { O_NUMBER, O_TOPIC, O_SUMMARY, O_ANSWER, O_OUTCOME, O_COUNT, O_N };

#define OPINION_FIELDS(req)                                                                        \
	[O_NUMBER] = {.name = "number", .kind = JB_INT, .min = 1, .max = 100000},                  \
	[O_TOPIC] = {.name = "topic",                                                              \
	             .kind = JB_TEXT,                                                              \
	             .required = req,                                                              \
	             .max = 100,                                                                   \
	             .nonempty = true},                                                            \
	[O_SUMMARY] = {.name = "summary",                                                          \
	               .kind = JB_TEXT,                                                            \
	               .required = req,                                                            \
	               .max = 4000,                                                                \
	               .multiline = true,                                                          \
	               .nonempty = true},                                                          \
	[O_ANSWER] = {.name = "answer", .kind = JB_TEXT, .max = 4000, .multiline = true},          \
	[O_OUTCOME] = {.name = "outcome",                                                          \
	               .kind = JB_TEXT,                                                            \
	               .required = req,                                                            \
	               .max = 20,                                                                  \
	               .nonempty = true},                                                          \
	[O_COUNT] = {.name = "count", .kind = JB_INT, .min = 1, .max = 100000},

static const struct json_bfield opinion_new_fields[O_N] = {OPINION_FIELDS(true)};
static const struct json_bfield opinion_edit_fields[O_N] = {OPINION_FIELDS(false)};

static struct db_opinion
opinion_of(const struct api_req *rq)
{
	return (struct db_opinion){
	    .number = bnum(rq, O_NUMBER),
	    .count = bnum(rq, O_COUNT),
	    .topic = api_btext(rq, O_TOPIC),
	    .summary = api_btext(rq, O_SUMMARY),
	    .answer = api_btext(rq, O_ANSWER),
	    .outcome = api_btext(rq, O_OUTCOME),
	};
}

static int
opinion_check(const struct api_req *rq, struct http_response *res)
{
	return any_field(rq, O_N, res);
}

/* 200 with the rows of a result table and its tallies; 404 when there is
 * no such plan or session; 503, 500. */
static void
opinions_list(const struct api_req *rq, struct db *db, struct http_response *res, bool session)
{
	char *json = NULL;
	enum db_rc rc =
	    db_opinion_list(db, session ? 0 : rq->cap[0], session ? rq->cap[0] : 0, &json);

	api_reply(res, db, rc, &json, 200, session ? "exchange session" : "plan");
}

/* Answers 201 with the opinion group added and its ETag; else
 * api_db_error (400 naming the field a rule refused, 409 for a number
 * taken, 404, 403, 503, 500). */
static void
opinion_create(const struct api_req *rq, struct db *db, struct http_response *res, bool session)
{
	struct db_opinion o = opinion_of(rq);
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc = db_opinion_create(db, rq->user.id, session ? 0 : rq->cap[0],
	                                  session ? rq->cap[0] : 0, &o, &json, &version);

	api_written(res, db, rc == DB_STALE ? DB_BUG : rc, &json, version, 201,
	            session ? "exchange session" : "plan");
}

/* Answers 200 with the opinion group saved and its ETag; 409 with it as
 * it is now when the version was stale; else api_db_error (400, 409, 404,
 * 403, 503, 500). */
static void
opinion_patch(const struct api_req *rq, struct db *db, struct http_response *res, bool session)
{
	struct db_opinion o = opinion_of(rq);
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc = db_opinion_update(db, rq->user.id, rq->cap[0], session, rq->version, &o,
	                                  &json, &version);

	api_written(res, db, rc, &json, version, 200, "opinion");
}

/* Answers 200 {"id", "deleted": true}; 409 with the opinion group as it
 * is now when the version was stale; else api_db_error (404, 403, 503,
 * 500). */
static void
opinion_delete(const struct api_req *rq, struct db *db, struct http_response *res, bool session)
{
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc =
	    db_opinion_delete(db, rq->user.id, rq->cap[0], session, rq->version, &json, &version);

	if (rc == DB_OK)
		deleted(res, rq->cap[0]);
	else
		api_written(res, db, rc, &json, version, 200, "opinion");
}

/* The two result tables' routes: the same handlers, told which table. */
static void
pc_opinions(const struct api_req *rq, struct db *db, struct http_response *res)
{
	opinions_list(rq, db, res, false);
}
static void
pc_opinion_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	opinion_create(rq, db, res, false);
}
static void
pc_opinion_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	opinion_patch(rq, db, res, false);
}
static void
pc_opinion_delete(const struct api_req *rq, struct db *db, struct http_response *res)
{
	opinion_delete(rq, db, res, false);
}
static void
xs_opinions(const struct api_req *rq, struct db *db, struct http_response *res)
{
	opinions_list(rq, db, res, true);
}
static void
xs_opinion_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	opinion_create(rq, db, res, true);
}
static void
xs_opinion_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	opinion_patch(rq, db, res, true);
}
static void
xs_opinion_delete(const struct api_req *rq, struct db *db, struct http_response *res)
{
	opinion_delete(rq, db, res, true);
}

/* ---- exchange sessions ---- */

enum { X_TITLE, X_HELD_ON, X_PLACE, X_ONLINE, X_PARTICIPANTS, X_NOTES, X_N };

#define SESSION_FIELDS(req)                                                                        \
	[X_TITLE] = {.name = "title",                                                              \
	             .kind = JB_TEXT,                                                              \
	             .required = req,                                                              \
	             .max = 200,                                                                   \
	             .nonempty = true},                                                            \
	[X_HELD_ON] = {.name = "held_on",                                                          \
	               .kind = JB_TEXT,                                                            \
	               .required = req,                                                            \
	               .max = 10,                                                                  \
	               .valid = valid_date},                                                       \
	[X_PLACE] = {.name = "place", .kind = JB_TEXT, .max = 200},                                \
	[X_ONLINE] = {.name = "online", .kind = JB_BOOL},                                          \
	[X_PARTICIPANTS] = {.name = "participants", .kind = JB_INT, .min = 0, .max = COUNT_MAX},   \
	[X_NOTES] = {.name = "notes", .kind = JB_TEXT, .max = 2000, .multiline = true},

static const struct json_bfield session_new_fields[X_N] = {SESSION_FIELDS(true)};
static const struct json_bfield session_edit_fields[X_N] = {SESSION_FIELDS(false)};

static struct db_exchange
session_of(const struct api_req *rq)
{
	return (struct db_exchange){
	    .title = api_btext(rq, X_TITLE),
	    .held_on = api_btext(rq, X_HELD_ON),
	    .place = api_btext(rq, X_PLACE),
	    .notes = api_btext(rq, X_NOTES),
	    .online = rq->b[X_ONLINE].present ? rq->b[X_ONLINE].b : -1,
	    .participants = bcount(rq, X_PARTICIPANTS),
	};
}

static int
session_check(const struct api_req *rq, struct http_response *res)
{
	return any_field(rq, X_N, res);
}

/* 200 with the plan's sessions, each with its tallies; 404 when there is
 * no such plan; 503, 500. */
static void
xs_list(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_exchange_list(db, rq->cap[0], &json), &json, 200, "plan");
}

/* 200 with the session, its tallies and its ETag; 404, 503, 500. */
static void
xs_get(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc = db_exchange_get(db, rq->cap[0], &json, &version);

	read_versioned(res, db, rc, &json, version, "exchange session");
}

/* Answers 201 with the session and its ETag; else api_db_error (400
 * naming place when there is neither a place nor online, 404, 403, 503,
 * 500). */
static void
xs_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_exchange x = session_of(rq);
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc = db_exchange_create(db, rq->user.id, rq->cap[0], &x, &json, &version);

	api_written(res, db, rc == DB_STALE ? DB_BUG : rc, &json, version, 201, "plan");
}

/* Answers 200 with the session saved and its ETag; 409 with it as it is
 * now when the version was stale; else api_db_error (400, 404, 403, 503,
 * 500). */
static void
xs_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_exchange x = session_of(rq);
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc =
	    db_exchange_update(db, rq->user.id, rq->cap[0], rq->version, &x, &json, &version);

	api_written(res, db, rc, &json, version, 200, "exchange session");
}

/* Deletes the session and its opinions. Answers 200 {"id", "deleted":
 * true}; 409 with the session as it is now when the version was stale;
 * else api_db_error (404, 403, 503, 500). */
static void
xs_delete(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc =
	    db_exchange_delete(db, rq->user.id, rq->cap[0], rq->version, &json, &version);

	if (rc == DB_OK)
		deleted(res, rq->cap[0]);
	else
		api_written(res, db, rc, &json, version, 200, "exchange session");
}

/* ---- endpoints ---- */

#define ADMIN_WRITE  .flags = API_SIGNED | API_CSRF, .role = ROLE_ADMIN
#define ADMIN_UPDATE .flags = API_SIGNED | API_CSRF | API_IF_MATCH, .role = ROLE_ADMIN

const struct api_endpoint ep_pc_get = {.handler = pc_get};
const struct api_endpoint ep_pc_put = {
    .handler = pc_put, .body = pc_fields, .nbody = PC_N, ADMIN_UPDATE};
const struct api_endpoint ep_pc_csv = {.handler = pc_csv};
const struct api_endpoint ep_pc_opinions = {.handler = pc_opinions};
const struct api_endpoint ep_pc_opinion_create = {
    .handler = pc_opinion_create, .body = opinion_new_fields, .nbody = O_N, ADMIN_WRITE};
const struct api_endpoint ep_pc_opinion_patch = {.handler = pc_opinion_patch,
                                                 .body = opinion_edit_fields,
                                                 .nbody = O_N,
                                                 .check = opinion_check,
                                                 ADMIN_UPDATE};
const struct api_endpoint ep_pc_opinion_delete = {.handler = pc_opinion_delete, ADMIN_UPDATE};

const struct api_endpoint ep_xs_list = {.handler = xs_list};
const struct api_endpoint ep_xs_get = {.handler = xs_get};
const struct api_endpoint ep_xs_create = {
    .handler = xs_create, .body = session_new_fields, .nbody = X_N, ADMIN_WRITE};
const struct api_endpoint ep_xs_patch = {.handler = xs_patch,
                                         .body = session_edit_fields,
                                         .nbody = X_N,
                                         .check = session_check,
                                         ADMIN_UPDATE};
const struct api_endpoint ep_xs_delete = {.handler = xs_delete, ADMIN_UPDATE};
const struct api_endpoint ep_xs_opinions = {.handler = xs_opinions};
const struct api_endpoint ep_xs_opinion_create = {
    .handler = xs_opinion_create, .body = opinion_new_fields, .nbody = O_N, ADMIN_WRITE};
const struct api_endpoint ep_xs_opinion_patch = {.handler = xs_opinion_patch,
                                                 .body = opinion_edit_fields,
                                                 .nbody = O_N,
                                                 .check = opinion_check,
                                                 ADMIN_UPDATE};
const struct api_endpoint ep_xs_opinion_delete = {.handler = xs_opinion_delete, ADMIN_UPDATE};
