/* Outcome indicators (成果指標): an admin defines a draft plan's
 * indicators, and enters and corrects the yearly values (actual or
 * target: the number and the text as reported, 約231万件) and the
 * footnotes (※n) of any plan. GET /api/indicators (plans.c) keeps its
 * answer; GET /api/indicators/{id} gives the versions for If-Match. */
#include <string.h>

#include "drafting.h"
#include "endpoints.h"

#define ADMIN_WRITE   (API_SIGNED | API_CSRF)
#define ADMIN_VERSION (API_SIGNED | API_CSRF | API_IF_MATCH)

/* actual or target. */
static const char *
valid_kind(const char *raw, union http_qval *out)
{
	if (strcmp(raw, "actual") != 0 && strcmp(raw, "target") != 0)
		return "must be actual or target";
	out->s = raw;
	return NULL;
}

/* A decimal number as text (2310000, 63.5, -1), or "" for no figure (ー). */
static const char *
valid_decimal(const char *raw, union http_qval *out)
{
	const char *p = raw + (raw[0] == '-');
	size_t whole = strspn(p, "0123456789"), frac = 0;

	if (raw[0] != '\0') {
		if (p[whole] == '.')
			frac = strspn(p + whole + 1, "0123456789");
		if (whole == 0 || whole > 15 || frac > 6 ||
		    p[whole + (p[whole] == '.' ? 1 + frac : 0)] != '\0' ||
		    (p[whole] == '.' && frac == 0))
			return "must be a number as text (2310000, 63.5) or \"\" for none";
	}
	out->s = raw;
	return NULL;
}

static void
indicator_get(const struct api_req *rq, struct db *db, struct http_response *res)
{
	char *json = NULL;

	api_reply(res, db, db_drafting_read(db, DR_INDICATOR, rq->cap[0], 0, &json), &json, 200,
	          "indicator");
}

/* ---- indicators ---- */

enum { I_GOAL, I_POSITION, I_NAME, I_UNIT, I_N };
static const struct json_bfield indicator_new[I_N] = {
    [I_GOAL] = {.name = "goal_id", .kind = JB_INT, .required = true, .min = 1, .max = INT32_MAX},
    [I_POSITION] = {.name = "position", .kind = JB_INT, .min = 1, .max = 100},
    [I_NAME] = {.name = "name", .kind = JB_TEXT, .required = true, .max = 500, .nonempty = true},
    [I_UNIT] = {.name = "unit", .kind = JB_TEXT, .required = true, .max = 20, .nonempty = true},
};
static const struct json_bfield indicator_edit[I_N] = {
    [I_GOAL] = {.name = "goal_id", .kind = JB_INT, .min = 1, .max = INT32_MAX},
    [I_POSITION] = {.name = "position", .kind = JB_INT, .min = 1, .max = 100},
    [I_NAME] = {.name = "name", .kind = JB_TEXT, .max = 500, .nonempty = true},
    [I_UNIT] = {.name = "unit", .kind = JB_TEXT, .max = 20, .nonempty = true},
};

static int
indicator_check(const struct api_req *rq, struct http_response *res)
{
	return api_some_field(rq, I_N, indicator_edit, res);
}

static void
indicator_write(const struct api_req *rq, struct db *db, struct http_response *res,
                enum db_dr_op op, int status)
{
	struct db_dr_write w = {.op = op, .id = rq->cap[0], .version = rq->version};

	w.num[0] = api_bint(rq, I_GOAL);
	w.num[1] = api_bint(rq, I_POSITION);
	w.text[0] = api_btext(rq, I_NAME);
	w.text[1] = api_btext(rq, I_UNIT);
	api_drafting_answer(rq, db, res, &w, status,
	                    op == DR_INDICATOR_CREATE ? "plan" : "indicator");
}

static void
indicator_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	indicator_write(rq, db, res, DR_INDICATOR_CREATE, 201);
}

static void
indicator_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	indicator_write(rq, db, res, DR_INDICATOR_UPDATE, 200);
}

static void
indicator_delete(const struct api_req *rq, struct db *db, struct http_response *res)
{
	indicator_write(rq, db, res, DR_INDICATOR_DELETE, 200);
}

/* ---- values ---- */

enum { V_YEAR, V_KIND, V_VALUE, V_TEXT, V_N };
static const struct json_bfield value_new[V_N] = {
    [V_YEAR] =
        {.name = "fiscal_year", .kind = JB_INT, .required = true, .min = FY_MIN, .max = FY_MAX},
    [V_KIND] = {.name = "kind", .kind = JB_TEXT, .required = true, .max = 10, .valid = valid_kind},
    [V_VALUE] =
        {.name = "value", .kind = JB_TEXT, .required = true, .max = 30, .valid = valid_decimal},
    [V_TEXT] = {.name = "text", .kind = JB_TEXT, .required = true, .max = 100, .nonempty = true},
};
/* The same fields without the key, which is in the path and ?kind=. */
static const struct json_bfield value_edit[] = {
    {.name = "value", .kind = JB_TEXT, .max = 30, .valid = valid_decimal},
    {.name = "text", .kind = JB_TEXT, .max = 100, .nonempty = true},
};
static const struct http_qfield kind_param[] = {{"kind", valid_kind}};

/* ?kind= is required. */
static int
kind_check(const struct api_req *rq, struct http_response *res)
{
	if (rq->q[0].present)
		return 0;
	http_error(res, 400, "bad_parameter", "kind", "kind: send ?kind=actual or ?kind=target");
	return -1;
}

static int
value_check(const struct api_req *rq, struct http_response *res)
{
	if (kind_check(rq, res) != 0)
		return -1;
	return api_some_field(rq, 2, value_edit, res);
}

static void
value_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_dr_write w = {.op = DR_VALUE_CREATE, .id = rq->cap[0]};

	w.num[0] = api_bint(rq, V_YEAR);
	w.text[0] = api_btext(rq, V_KIND);
	w.text[1] = api_btext(rq, V_VALUE);
	w.text[2] = api_btext(rq, V_TEXT);
	api_drafting_answer(rq, db, res, &w, 201, "indicator");
}

static void
value_change(const struct api_req *rq, struct db *db, struct http_response *res, enum db_dr_op op)
{
	struct db_dr_write w = {
	    .op = op, .id = rq->cap[0], .id2 = rq->cap[1], .version = rq->version};

	w.text[0] = rq->q[0].v.s;
	if (op == DR_VALUE_UPDATE) {
		w.text[1] = api_btext(rq, 0);
		w.text[2] = api_btext(rq, 1);
	}
	api_drafting_answer(rq, db, res, &w, 200, "value of this indicator");
}

static void
value_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	value_change(rq, db, res, DR_VALUE_UPDATE);
}

static void
value_delete(const struct api_req *rq, struct db *db, struct http_response *res)
{
	value_change(rq, db, res, DR_VALUE_DELETE);
}

/* ---- footnotes (※n of a plan) and an indicator's notes ---- */

static const struct json_bfield footnote_new[] = {
    {.name = "number", .kind = JB_INT, .required = true, .min = 1, .max = 99},
    {.name = "text",
     .kind = JB_TEXT,
     .required = true,
     .max = 2000,
     .multiline = true,
     .nonempty = true},
};
static const struct json_bfield footnote_edit[] = {
    {.name = "text",
     .kind = JB_TEXT,
     .required = true,
     .max = 2000,
     .multiline = true,
     .nonempty = true},
};
static const struct json_bfield note_new[] = {
    {.name = "number", .kind = JB_INT, .required = true, .min = 1, .max = 99},
};

static void
footnote_create(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_dr_write w = {.op = DR_FOOTNOTE_CREATE, .id = rq->cap[0]};

	w.num[0] = api_bint(rq, 0);
	w.text[0] = api_btext(rq, 1);
	api_drafting_answer(rq, db, res, &w, 201, "plan");
}

static void
footnote_patch(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_dr_write w = {
	    .op = DR_FOOTNOTE_UPDATE, .id = rq->cap[0], .id2 = rq->cap[1], .version = rq->version};

	w.text[0] = api_btext(rq, 0);
	api_drafting_answer(rq, db, res, &w, 200, "footnote");
}

/* The indicator with its notes: 201 (added) or 200 (removed). */
static void
note_add(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_dr_write w = {.op = DR_NOTE_ADD, .id = rq->cap[0]};

	w.num[0] = api_bint(rq, 0);
	api_drafting_answer(rq, db, res, &w, 201, "indicator");
}

static void
note_remove(const struct api_req *rq, struct db *db, struct http_response *res)
{
	struct db_dr_write w = {.op = DR_NOTE_REMOVE, .id = rq->cap[0], .id2 = rq->cap[1]};

	api_drafting_answer(rq, db, res, &w, 200, "note of this indicator");
}

const struct api_endpoint ep_ind_get = {.handler = indicator_get};
const struct api_endpoint ep_ind_create = {.handler = indicator_create,
                                           .body = indicator_new,
                                           .nbody = I_N,
                                           .flags = ADMIN_WRITE,
                                           .role = ROLE_ADMIN};
const struct api_endpoint ep_ind_patch = {.handler = indicator_patch,
                                          .body = indicator_edit,
                                          .nbody = I_N,
                                          .flags = ADMIN_VERSION,
                                          .role = ROLE_ADMIN,
                                          .check = indicator_check};
const struct api_endpoint ep_ind_delete = {
    .handler = indicator_delete, .flags = ADMIN_VERSION, .role = ROLE_ADMIN};
const struct api_endpoint ep_val_create = {.handler = value_create,
                                           .body = value_new,
                                           .nbody = V_N,
                                           .flags = ADMIN_WRITE,
                                           .role = ROLE_ADMIN};
const struct api_endpoint ep_val_patch = {.handler = value_patch,
                                          .query = kind_param,
                                          .nquery = 1,
                                          .body = value_edit,
                                          .nbody = 2,
                                          .flags = ADMIN_VERSION,
                                          .role = ROLE_ADMIN,
                                          .check = value_check};
const struct api_endpoint ep_val_delete = {.handler = value_delete,
                                           .query = kind_param,
                                           .nquery = 1,
                                           .flags = ADMIN_VERSION,
                                           .role = ROLE_ADMIN,
                                           .check = kind_check};
const struct api_endpoint ep_fn_create = {.handler = footnote_create,
                                          .body = footnote_new,
                                          .nbody = 2,
                                          .flags = ADMIN_WRITE,
                                          .role = ROLE_ADMIN};
const struct api_endpoint ep_fn_patch = {.handler = footnote_patch,
                                         .body = footnote_edit,
                                         .nbody = 1,
                                         .flags = ADMIN_VERSION,
                                         .role = ROLE_ADMIN};
const struct api_endpoint ep_note_add = {
    .handler = note_add, .body = note_new, .nbody = 1, .flags = ADMIN_WRITE, .role = ROLE_ADMIN};
const struct api_endpoint ep_note_remove = {
    .handler = note_remove, .flags = ADMIN_WRITE, .role = ROLE_ADMIN};
