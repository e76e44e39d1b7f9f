/* Writing the next plan: the structure of a draft plan (goals, measures,
 * activities and their departments), staff proposals of activities,
 * carrying measures over from the current plan, and the comparison of the
 * two plans (JSON and CSV). Writes are admins' (proposals: staff of the
 * department), audited, If-Match on updates and removals; what the
 * database refuses is answered through db/refusal.c. */
#include <stdio.h>
#include <stdlib.h>

#include "drafting.h"
#include "endpoints.h"
#include "export.h"

#define ADMIN_WRITE   (API_SIGNED | API_CSRF)
#define ADMIN_VERSION (API_SIGNED | API_CSRF | API_IF_MATCH)

int64_t
api_bint(const struct api_req *rq, int k)
{
	return rq->b[k].present ? rq->b[k].i : 0;
}

/* Runs w as the signed-in user and answers: status (or 200 for updates)
 * with the record and its ETag; 409 with the record as it is now when the
 * version was stale; else what api_db_error makes of the outcome (404,
 * 403, 409 not_draft or conflict naming the field, 400 naming it, 503,
 * 500). */
void
api_drafting_answer(const struct api_req *rq, struct db *db, struct http_response *res,
                    const struct db_dr_write *w, int status, const char *what)
{
	char *json = NULL;
	int64_t version = 0;
	enum db_rc rc = db_drafting_write(db, rq->user.id, w, &json, &version);

	api_written(res, db, rc, &json, version, status, what);
}

/* Sends at least one of fields[0..n): 0, or -1 with a 400. */
int
api_some_field(const struct api_req *rq, size_t n, const struct json_bfield *fields,
               struct http_response *res)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rq->b[i].present)
			return 0;
	http_error(res, 400, "bad_body", NULL, "nothing to change: send %s%s", fields[0].name,
	           n > 1 ? " or another field" : "");
	return -1;
}

/* ---- reads ---- */

/* 200 with the JSON read; 404 when its record is not there; 503, 500. */
static void
read_answer(struct db *db, struct http_response *res, enum db_dr_read what, int64_t id, int64_t id2,
            const char *name)
{
	char *json = NULL;

	api_reply(res, db, db_drafting_read(db, what, id, id2, &json), &json, 200, name);
}

static void
outline(const struct api_req *rq, struct db *db, struct http_response *res)
{
	read_answer(db, res, DR_OUTLINE, rq->cap[0], 0, "plan");
}

static void
measure_get(const struct api_req *rq, struct db *db, struct http_response *res)
{
	read_answer(db, res, DR_MEASURE, rq->cap[0], 0, "measure");
}

/* What the signed-in user may see of the plan's proposals. */
static void
proposals(const struct api_req *rq, struct db *db, struct http_response *res)
{
	read_answer(db, res, DR_PROPOSALS, rq->cap[0], rq->user.id, "plan");
}

static const struct http_qfield with_param[] = {{"with", valid_id}};

static void
comparison(const struct api_req *rq, struct db *db, struct http_response *res)
{
	read_answer(db, res, DR_COMPARISON, rq->cap[0], rq->q[0].present ? rq->q[0].v.i : 0,
	            "plan to compare");
}

/* The comparison as CSV (UTF-8 with a BOM, the export's writer and its
 * formula neutralisation): 200 as an attachment; 404 when either plan is
 * not there; 500 when it could not be written; else api_db_error. */
static void
comparison_csv(const struct api_req *rq, struct db *db, struct http_response *res)
{
	static const char *const header[DB_COMPARE_COLUMNS] = {
	    "種別",         "区分",         "現行計画の施策", "現行計画の名称", "現行計画の所管課",
	    "新計画の施策", "新計画の名称", "新計画の所管課", "status"};
	struct db_compare_table t;
	char disposition[96];
	size_t len = 0;
	char *data;
	enum db_rc rc =
	    db_drafting_compare_table(db, rq->cap[0], rq->q[0].present ? rq->q[0].v.i : 0, &t);

	if (rc != DB_OK) {
		api_db_error(res, db, rc, "plan to compare");
		return;
	}
	data = export_csv_cells(DB_COMPARE_COLUMNS, header, t.nrows, t.cells, &len);
	db_drafting_compare_free(&t);
	if (data == NULL) {
		http_error(res, 500, "internal", NULL, "the file could not be written");
		return;
	}
	snprintf(disposition, sizeof disposition,
	         "attachment; filename=\"shinchoku-comparison-%lld.csv\"", (long long)rq->cap[0]);
	http_set_header(res, "Content-Disposition", disposition);
	http_body(res, 200, "text/csv; charset=utf-8", data, len);
}

/* ---- goals ---- */

enum { G_NUMBER, G_TITLE, G_N };
static const struct json_bfield goal_new[G_N] = {
    [G_NUMBER] = {.name = "number", .kind = JB_INT, .required = true, .min = 1, .max = 99},
    [G_TITLE] = {.name = "title", .kind = JB_TEXT, .required = true, .max = 500, .nonempty = true},
};
static const struct json_bfield goal_edit[G_N] = {
    [G_NUMBER] = {.name = "number", .kind = JB_INT, .min = 1, .max = 99},
    [G_TITLE] = {.name = "title", .kind = JB_TEXT, .max = 500, .nonempty = true},
};

static int
goal_check(const struct api_req *rq, struct http_response *res)
{
	return api_some_field(rq, G_N, goal_edit, res);
}

static void
goal_write(const struct api_req *rq, struct db *db, struct http_response *res, enum db_dr_op op,
           int status)
{
	struct db_dr_write w = {.op = op, .id = rq->cap[0], .version = rq->version};

	w.num[0] = api_bint(rq, G_NUMBER);
	w.text[0] = api_btext(rq, G_TITLE);
	api_drafting_answer(rq, db, res, &w, status, op == DR_GOAL_CREATE ? "plan" : "goal");
}

static void
goal_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	goal_write(rq, db, res, DR_GOAL_CREATE, 201);
}

static void
goal_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	goal_write(rq, db, res, DR_GOAL_UPDATE, 200);
}

static void
goal_delete(const struct api_req *rq, struct db *db, struct http_response *res)
{
	goal_write(rq, db, res, DR_GOAL_DELETE, 200);
}

/* ---- measures ---- */

enum { M_CODE, M_NAME, M_N };
static const struct json_bfield measure_new[M_N] = {
    [M_CODE] =
        {.name = "code", .kind = JB_TEXT, .required = true, .max = 12, .valid = valid_measure_code},
    [M_NAME] = {.name = "name", .kind = JB_TEXT, .required = true, .max = 500, .nonempty = true},
};
static const struct json_bfield measure_edit[M_N] = {
    [M_CODE] = {.name = "code", .kind = JB_TEXT, .max = 12, .valid = valid_measure_code},
    [M_NAME] = {.name = "name", .kind = JB_TEXT, .max = 500, .nonempty = true},
};

static int
measure_check(const struct api_req *rq, struct http_response *res)
{
	return api_some_field(rq, M_N, measure_edit, res);
}

static void
measure_write(const struct api_req *rq, struct db *db, struct http_response *res, enum db_dr_op op,
              int status)
{
	struct db_dr_write w = {.op = op, .id = rq->cap[0], .version = rq->version};

	w.text[0] = api_btext(rq, M_CODE);
	w.text[1] = api_btext(rq, M_NAME);
	api_drafting_answer(rq, db, res, &w, status, op == DR_MEASURE_CREATE ? "plan" : "measure");
}

static void
measure_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	measure_write(rq, db, res, DR_MEASURE_CREATE, 201);
}

static void
measure_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	measure_write(rq, db, res, DR_MEASURE_UPDATE, 200);
}

static void
measure_delete(const struct api_req *rq, struct db *db, struct http_response *res)
{
	measure_write(rq, db, res, DR_MEASURE_DELETE, 200);
}

/* ---- activities ---- */

enum { A_NAME, A_POSITION, A_MEASURE, A_N };
static const struct json_bfield activity_new[A_N - 1] = {
    [A_NAME] = {.name = "name", .kind = JB_TEXT, .required = true, .max = 500, .nonempty = true},
    [A_POSITION] = {.name = "position", .kind = JB_INT, .min = 1, .max = 1000},
};
static const struct json_bfield activity_edit[A_N] = {
    [A_NAME] = {.name = "name", .kind = JB_TEXT, .max = 500, .nonempty = true},
    [A_POSITION] = {.name = "position", .kind = JB_INT, .min = 1, .max = 1000},
    [A_MEASURE] = {.name = "measure_id", .kind = JB_INT, .min = 1, .max = INT32_MAX},
};

static int
activity_check(const struct api_req *rq, struct http_response *res)
{
	return api_some_field(rq, A_N, activity_edit, res);
}

static void
activity_write(const struct api_req *rq, struct db *db, struct http_response *res, enum db_dr_op op,
               int status)
{
	struct db_dr_write w = {.op = op, .id = rq->cap[0], .version = rq->version};

	w.text[0] = api_btext(rq, A_NAME);
	w.num[0] = api_bint(rq, A_POSITION);
	w.num[1] = op == DR_ACTIVITY_UPDATE ? api_bint(rq, A_MEASURE) : 0;
	api_drafting_answer(rq, db, res, &w, status,
	                    op == DR_ACTIVITY_CREATE ? "measure" : "activity");
}

static void
activity_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	activity_write(rq, db, res, DR_ACTIVITY_CREATE, 201);
}

static void
activity_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	activity_write(rq, db, res, DR_ACTIVITY_UPDATE, 200);
}

static void
activity_delete(const struct api_req *rq, struct db *db, struct http_response *res)
{
	activity_write(rq, db, res, DR_ACTIVITY_DELETE, 200);
}

/* ---- departments of an activity (the 所管課 cell, in order) ---- */

static const struct json_bfield dept_new[] = {
    {.name = "department_id", .kind = JB_INT, .required = true, .min = 1, .max = INT32_MAX},
    {.name = "position", .kind = JB_INT, .min = 1, .max = 100},
};
static const struct json_bfield dept_move[] = {
    {.name = "position", .kind = JB_INT, .required = true, .min = 1, .max = 100},
};

/* The activity with its departments: 201 (added) or 200; else as
 * api_drafting_answer. */
static void
dept_write(const struct api_req *rq, struct db *db, struct http_response *res, enum db_dr_op op)
{
	struct db_dr_write w = {
	    .op = op, .id = rq->cap[0], .id2 = rq->cap[1], .version = rq->version};

	if (op == DR_DEPT_ADD) {
		w.num[0] = api_bint(rq, 0);
		w.num[1] = api_bint(rq, 1);
	} else if (op == DR_DEPT_MOVE) {
		w.num[0] = api_bint(rq, 0);
	}
	api_drafting_answer(rq, db, res, &w, op == DR_DEPT_ADD ? 201 : 200,
	                    "department of this activity");
}

static void
dept_add(const struct api_req *rq, struct db *db, struct http_response *res)
{
	dept_write(rq, db, res, DR_DEPT_ADD);
}

static void
dept_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	dept_write(rq, db, res, DR_DEPT_MOVE);
}

static void
dept_remove(const struct api_req *rq, struct db *db, struct http_response *res)
{
	dept_write(rq, db, res, DR_DEPT_REMOVE);
}

/* ---- carry-over ---- */

static const struct json_bfield carry_fields[] = {
    {.name = "measure_id", .kind = JB_INT, .required = true, .min = 1, .max = INT32_MAX},
    {.name = "code", .kind = JB_TEXT, .max = 12, .valid = valid_measure_code},
};

/* 201 with the copy (its activities, departments and origin); 404 when
 * measure_id is no measure of another plan; else as api_drafting_answer. */
static void
carry_over(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_dr_write w = {.op = DR_CARRY_OVER, .id = rq->cap[0]};

	w.num[0] = api_bint(rq, 0);
	w.text[0] = api_btext(rq, 1);
	api_drafting_answer(rq, db, res, &w, 201, "measure of another plan");
}

/* ---- proposals ---- */

enum { P_MEASURE, P_NAME, P_NOTE, P_DEPT, P_N };
static const struct json_bfield propose_fields[P_N] = {
    [P_MEASURE] =
        {.name = "measure_id", .kind = JB_INT, .required = true, .min = 1, .max = INT32_MAX},
    [P_NAME] = {.name = "name", .kind = JB_TEXT, .required = true, .max = 500, .nonempty = true},
    [P_NOTE] = {.name = "note", .kind = JB_TEXT, .max = 2000, .multiline = true},
    [P_DEPT] = {.name = "department_id", .kind = JB_INT, .min = 1, .max = INT32_MAX},
};

/* 201 with the proposal (pending); 400 naming department_id when the user
 * has none and names none; 403 for another department's; else as
 * api_drafting_answer. */
static void
propose(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_dr_write w = {.op = DR_PROPOSE, .id = rq->cap[0]};

	w.num[0] = api_bint(rq, P_MEASURE);
	w.num[1] = rq->b[P_DEPT].present ? rq->b[P_DEPT].i : rq->user.department_id;
	w.text[0] = api_btext(rq, P_NAME);
	w.text[1] = api_btext(rq, P_NOTE);
	if (w.num[1] == 0) {
		http_error(res, 400, "bad_field", "department_id",
		           "所属課がないため、提案する所管課を指定してください。");
		return;
	}
	api_drafting_answer(rq, db, res, &w, 201, "plan");
}

static const struct json_bfield decide_fields[] = {
    {.name = "accept", .kind = JB_BOOL, .required = true},
    {.name = "comment", .kind = JB_TEXT, .max = 2000, .multiline = true},
};

/* 200 with the proposal decided (accepted: with the activity it became);
 * 409 with it as it is when it was decided already or changed; else as
 * api_drafting_answer (400 naming comment: a decline needs one). */
static void
decide(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_dr_write w = {.op = DR_DECIDE, .id = rq->cap[0], .version = rq->version};

	w.flag = rq->b[0].b;
	w.text[0] = api_btext(rq, 1);
	api_drafting_answer(rq, db, res, &w, 200, "proposal");
}

/* ---- the endpoints ---- */

const struct api_endpoint ep_dr_outline = {.handler = outline};
const struct api_endpoint ep_dr_measure_get = {.handler = measure_get};
const struct api_endpoint ep_dr_comparison = {
    .handler = comparison, .query = with_param, .nquery = 1};
const struct api_endpoint ep_dr_comparison_csv = {
    .handler = comparison_csv, .query = with_param, .nquery = 1};
const struct api_endpoint ep_dr_goal_create = {.handler = goal_create,
                                               .body = goal_new,
                                               .nbody = G_N,
                                               .flags = ADMIN_WRITE,
                                               .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_goal_patch = {.handler = goal_patch,
                                              .body = goal_edit,
                                              .nbody = G_N,
                                              .flags = ADMIN_VERSION,
                                              .role = ROLE_ADMIN,
                                              .check = goal_check};
const struct api_endpoint ep_dr_goal_delete = {
    .handler = goal_delete, .flags = ADMIN_VERSION, .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_measure_create = {.handler = measure_create,
                                                  .body = measure_new,
                                                  .nbody = M_N,
                                                  .flags = ADMIN_WRITE,
                                                  .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_measure_patch = {.handler = measure_patch,
                                                 .body = measure_edit,
                                                 .nbody = M_N,
                                                 .flags = ADMIN_VERSION,
                                                 .role = ROLE_ADMIN,
                                                 .check = measure_check};
const struct api_endpoint ep_dr_measure_delete = {
    .handler = measure_delete, .flags = ADMIN_VERSION, .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_activity_create = {.handler = activity_create,
                                                   .body = activity_new,
                                                   .nbody = A_N - 1,
                                                   .flags = ADMIN_WRITE,
                                                   .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_activity_patch = {.handler = activity_patch,
                                                  .body = activity_edit,
                                                  .nbody = A_N,
                                                  .flags = ADMIN_VERSION,
                                                  .role = ROLE_ADMIN,
                                                  .check = activity_check};
const struct api_endpoint ep_dr_activity_delete = {
    .handler = activity_delete, .flags = ADMIN_VERSION, .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_dept_add = {
    .handler = dept_add, .body = dept_new, .nbody = 2, .flags = ADMIN_WRITE, .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_dept_patch = {.handler = dept_patch,
                                              .body = dept_move,
                                              .nbody = 1,
                                              .flags = ADMIN_VERSION,
                                              .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_dept_remove = {
    .handler = dept_remove, .flags = ADMIN_VERSION, .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_carry_over = {.handler = carry_over,
                                              .body = carry_fields,
                                              .nbody = 2,
                                              .flags = ADMIN_WRITE,
                                              .role = ROLE_ADMIN};
const struct api_endpoint ep_dr_propose = {.handler = propose,
                                           .body = propose_fields,
                                           .nbody = P_N,
                                           .flags = ADMIN_WRITE,
                                           .role = ROLE_STAFF};
const struct api_endpoint ep_dr_proposals = {
    .handler = proposals, .flags = API_SIGNED, .role = ROLE_VIEWER};
const struct api_endpoint ep_dr_decide = {.handler = decide,
                                          .body = decide_fields,
                                          .nbody = 2,
                                          .flags = ADMIN_VERSION,
                                          .role = ROLE_ADMIN};
