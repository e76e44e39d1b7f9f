/* Public input through the real door, against a fake db: the public
 * comment (PUT with If-Match), the opinion groups of both result tables,
 * the exchange sessions, the CSV's bytes, and who may write. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "endpoints.h"
#include "fake_db.h"
#include "public_input.h"

static int calls, seen_user;
static int64_t seen_id, seen_plan, seen_session, seen_version;
static bool seen_in_session;
static struct db_public_comment seen_pc;
static struct db_opinion seen_op;
static struct db_exchange seen_x;
static enum db_rc answer;

/* The record a fake write answers: saved (version 3) or as it is (9). */
static enum db_rc
written(char **json, int64_t *version)
{
	*json = NULL, *version = 0;
	if (answer == DB_OK || answer == DB_STALE) {
		*json = strdup(answer == DB_OK ? "{\"version\":3}" : "{\"version\":9}");
		*version = answer == DB_OK ? 3 : 9;
	}
	return answer;
}

enum db_rc
db_pc_get(struct db *db, int64_t plan, char **json, int64_t *version)
{
	(void)db;
	calls++, seen_plan = plan;
	*json = answer == DB_OK ? strdup("{\"version\":2}") : NULL;
	*version = 2;
	return answer;
}

enum db_rc
db_pc_put(struct db *db, int user, int64_t plan, int64_t version,
          const struct db_public_comment *pc, char **json, int64_t *version_now)
{
	(void)db;
	calls++, seen_user = user, seen_plan = plan, seen_version = version, seen_pc = *pc;
	seen_pc.starts_on = fake_hold(pc->starts_on), seen_pc.ends_on = fake_hold(pc->ends_on);
	seen_pc.notes = fake_hold(pc->notes);
	return written(json, version_now);
}

enum db_rc
db_opinion_list(struct db *db, int64_t plan, int64_t session, char **json)
{
	(void)db;
	calls++, seen_plan = plan, seen_session = session;
	*json = answer == DB_OK ? strdup("{\"items\":[]}") : NULL;
	return answer;
}

enum db_rc
db_opinion_create(struct db *db, int user, int64_t plan, int64_t session,
                  const struct db_opinion *o, char **json, int64_t *version)
{
	(void)db;
	calls++, seen_user = user, seen_plan = plan, seen_session = session, seen_op = *o;
	seen_op.topic = fake_hold(o->topic), seen_op.summary = fake_hold(o->summary);
	seen_op.answer = fake_hold(o->answer), seen_op.outcome = fake_hold(o->outcome);
	return written(json, version);
}

enum db_rc
db_opinion_update(struct db *db, int user, int64_t id, bool in_session, int64_t version,
                  const struct db_opinion *o, char **json, int64_t *version_now)
{
	(void)db;
	calls++, seen_user = user, seen_id = id, seen_in_session = in_session;
	seen_version = version, seen_op = *o;
	seen_op.topic = fake_hold(o->topic), seen_op.summary = fake_hold(o->summary);
	seen_op.answer = fake_hold(o->answer), seen_op.outcome = fake_hold(o->outcome);
	return written(json, version_now);
}

enum db_rc
db_opinion_delete(struct db *db, int user, int64_t id, bool in_session, int64_t version,
                  char **json, int64_t *version_now)
{
	(void)db;
	calls++, seen_user = user, seen_id = id, seen_in_session = in_session;
	seen_version = version;
	if (answer == DB_OK) {
		*json = NULL, *version_now = 0;
		return DB_OK;
	}
	return written(json, version_now);
}

/* The table the CSV test expects: quoting, a line break, a formula. */
static const char *const table_titles[DB_OPINION_COLUMNS] = {"番号",   "項目",       "意見の概要",
                                                             "意見数", "区の考え方", "反映状況"};
static const char *table_cells[] = {
    "1",
    "計画全体",
    "=HYPERLINK(\"http://x\")",
    "2",
    "検討します。",
    "反映",
    "2",
    "目標1",
    "a, \"b\"\nc",
    "1",
    "",
    "反映なし",
};

enum db_rc
db_opinion_export(struct db *db, int64_t plan, struct db_opinion_table *out)
{
	size_t c;

	(void)db;
	calls++, seen_plan = plan;
	memset(out, 0, sizeof *out);
	if (answer != DB_OK)
		return answer;
	for (c = 0; c < DB_OPINION_COLUMNS; c++)
		out->titles[c] = table_titles[c];
	out->cells = malloc(sizeof table_cells);
	memcpy(out->cells, table_cells, sizeof table_cells);
	out->nrows = 2;
	return DB_OK;
}

void
db_opinion_table_free(struct db_opinion_table *t)
{
	free(t->cells);
	memset(t, 0, sizeof *t);
}

enum db_rc
db_exchange_list(struct db *db, int64_t plan, char **json)
{
	(void)db;
	calls++, seen_plan = plan;
	*json = answer == DB_OK ? strdup("{\"items\":[]}") : NULL;
	return answer;
}

enum db_rc
db_exchange_get(struct db *db, int64_t id, char **json, int64_t *version)
{
	(void)db;
	calls++, seen_id = id;
	*json = answer == DB_OK ? strdup("{\"version\":4}") : NULL;
	*version = 4;
	return answer;
}

enum db_rc
db_exchange_create(struct db *db, int user, int64_t plan, const struct db_exchange *x, char **json,
                   int64_t *version)
{
	(void)db;
	calls++, seen_user = user, seen_plan = plan, seen_x = *x;
	seen_x.title = fake_hold(x->title), seen_x.held_on = fake_hold(x->held_on);
	seen_x.place = fake_hold(x->place), seen_x.notes = fake_hold(x->notes);
	return written(json, version);
}

enum db_rc
db_exchange_update(struct db *db, int user, int64_t id, int64_t version,
                   const struct db_exchange *x, char **json, int64_t *version_now)
{
	(void)db;
	calls++, seen_user = user, seen_id = id, seen_version = version, seen_x = *x;
	seen_x.title = fake_hold(x->title), seen_x.held_on = fake_hold(x->held_on);
	seen_x.place = fake_hold(x->place), seen_x.notes = fake_hold(x->notes);
	return written(json, version_now);
}

enum db_rc
db_exchange_delete(struct db *db, int user, int64_t id, int64_t version, char **json,
                   int64_t *version_now)
{
	(void)db;
	calls++, seen_user = user, seen_id = id, seen_version = version;
	if (answer == DB_OK) {
		*json = NULL, *version_now = 0;
		return DB_OK;
	}
	return written(json, version_now);
}

static int
setup(void **state)
{
	(void)state;
	fake_db_reset();
	fake_sign_in("admin", 1, 0);
	calls = 0, seen_user = 0, seen_id = seen_plan = seen_session = seen_version = 0;
	seen_in_session = false;
	memset(&seen_pc, 0, sizeof seen_pc);
	memset(&seen_op, 0, sizeof seen_op);
	memset(&seen_x, 0, sizeof seen_x);
	answer = DB_OK;
	return 0;
}

/* One request of ep at path (pattern its route), signed in as set up. */
static void
call(const struct api_endpoint *ep, enum http_method m, const char *pattern, const char *path,
     const char *body, const char *if_match, struct http_response *res)
{
	fake_call(ep, m, pattern, path, NULL, body, if_match, true, res);
}

#define PC         "/api/plans/{id}/public-comment"
#define PC_OP      "/api/plans/{id}/public-comment/opinions"
#define PC_OP_ONE  "/api/public-comment-opinions/{id}"
#define XS         "/api/plans/{id}/exchange-sessions"
#define XS_ONE     "/api/exchange-sessions/{id}"
#define XS_OP      "/api/exchange-sessions/{id}/opinions"
#define XS_OP_ONE  "/api/exchange-session-opinions/{id}"
#define OPINION_OK "{\"topic\":\"計画全体\",\"summary\":\"賛成です\",\"outcome\":\"partly\"}"

static void
test_pc_get(void **state)
{
	struct http_response res;

	(void)state;
	fake_call(&ep_pc_get, HTTP_GET, PC, "/api/plans/2/public-comment", NULL, NULL, NULL, false,
	          &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"2\"");
	assert_int_equal(seen_plan, 2);
	http_response_free(&res);
	answer = DB_MISSING;
	fake_call(&ep_pc_get, HTTP_GET, PC, "/api/plans/99/public-comment", NULL, NULL, NULL, false,
	          &res);
	fake_expect(&res, 404, "not_found", NULL);
}

static void
test_pc_put(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment",
	     "{\"starts_on\":\"2026-02-01\",\"ends_on\":\"2026-03-02\",\"opinions\":0}", "\"2\"",
	     &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"3\"");
	http_response_free(&res);
	assert_int_equal(seen_user, 1);
	assert_int_equal(seen_plan, 2);
	assert_int_equal(seen_version, 2);
	assert_string_equal(seen_pc.starts_on, "2026-02-01");
	assert_string_equal(seen_pc.ends_on, "2026-03-02");
	/* Absent is "not recorded", zero is zero. */
	assert_int_equal(seen_pc.submitters, -1);
	assert_int_equal(seen_pc.opinions, 0);
	assert_null(seen_pc.notes);

	answer = DB_STALE;
	call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment", "{}", "\"1\"", &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_get_header(&res, "ETag"), "\"9\"");
	assert_non_null(strstr(res.body, "\"version\":9"));
	http_response_free(&res);
	/* The period's rule is the database's: its refusal names ends_on. */
	answer = DB_REFUSED;
	fake_fault("23514", "public_comment_period", "");
	call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment",
	     "{\"starts_on\":\"2026-02-10\",\"ends_on\":\"2026-02-01\"}", "\"2\"", &res);
	assert_non_null(strstr(res.body, "開始日"));
	fake_expect(&res, 400, "bad_field", "ends_on");
	answer = DB_MISSING;
	call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/99/public-comment", "{}", "\"2\"", &res);
	fake_expect(&res, 404, "not_found", NULL);
	answer = DB_DENIED;
	call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment", "{}", "\"2\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
}

static void
test_pc_put_bad_input_and_gate(void **state)
{
	static const struct {
		const char *body, *field;
	} bad[] = {
	    {"{\"starts_on\":\"2026-02-30\"}", "starts_on"},
	    {"{\"ends_on\":\"\"}", "ends_on"},
	    {"{\"submitters\":-1}", "submitters"},
	    {"{\"opinions\":\"7\"}", "opinions"},
	    {"{\"opinions\":-3}", "opinions"},
	    {"{\"notes\":null}", "notes"},
	    {"{\"period\":1}", "period"},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment", bad[i].body, "\"2\"",
		     &res);
		fake_expect(&res, 400, "bad_field", bad[i].field);
	}
	call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment", "{}", NULL, &res);
	fake_expect(&res, 428, "precondition_required", "If-Match");
	assert_int_equal(fake_db.session_lookups, 0);
	fake_call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment", NULL, "{}", "\"2\"",
	          false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("viewer", 31, 0);
	call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment", "{}", "\"2\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	fake_sign_in("staff", 11, 2);
	call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment", "{}", "\"2\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	fake_sign_in("manager", 21, 2);
	call(&ep_pc_put, HTTP_PUT, PC, "/api/plans/2/public-comment", "{}", "\"2\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

static void
test_opinion_create(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_pc_opinion_create, HTTP_POST, PC_OP, "/api/plans/2/public-comment/opinions",
	     "{\"topic\":\"目標1\",\"summary\":\"賛成\",\"answer\":\"ありがとうございます\","
	     "\"outcome\":\"反映\",\"count\":4,\"number\":7}",
	     NULL, &res);
	assert_int_equal(res.status, 201);
	assert_string_equal(http_get_header(&res, "ETag"), "\"3\"");
	http_response_free(&res);
	assert_int_equal(seen_plan, 2);
	assert_int_equal(seen_session, 0);
	assert_string_equal(seen_op.topic, "目標1");
	assert_string_equal(seen_op.outcome, "反映");
	assert_int_equal(seen_op.count, 4);
	assert_int_equal(seen_op.number, 7);
	/* The exchange session's table: the session, no plan. */
	call(&ep_xs_opinion_create, HTTP_POST, XS_OP, "/api/exchange-sessions/5/opinions",
	     OPINION_OK, NULL, &res);
	assert_int_equal(res.status, 201);
	http_response_free(&res);
	assert_int_equal(seen_plan, 0);
	assert_int_equal(seen_session, 5);
	assert_int_equal(seen_op.number, 0);
	assert_int_equal(seen_op.count, 0);
	assert_null(seen_op.answer);

	answer = DB_REFUSED;
	fake_fault("23503", "opinion_outcome_fkey", "");
	call(&ep_pc_opinion_create, HTTP_POST, PC_OP, "/api/plans/2/public-comment/opinions",
	     "{\"topic\":\"目標1\",\"summary\":\"x\",\"outcome\":\"maybe\"}", NULL, &res);
	fake_expect(&res, 400, "bad_field", "outcome");
	fake_fault("23505", "opinion_number_key", "");
	call(&ep_pc_opinion_create, HTTP_POST, PC_OP, "/api/plans/2/public-comment/opinions",
	     OPINION_OK, NULL, &res);
	fake_expect(&res, 409, "conflict", "number");
	answer = DB_MISSING;
	call(&ep_xs_opinion_create, HTTP_POST, XS_OP, "/api/exchange-sessions/99/opinions",
	     OPINION_OK, NULL, &res);
	fake_expect(&res, 404, "not_found", NULL);
	/* A create is never stale: a fake that says so is a bug. */
	answer = DB_STALE;
	call(&ep_pc_opinion_create, HTTP_POST, PC_OP, "/api/plans/2/public-comment/opinions",
	     OPINION_OK, NULL, &res);
	fake_expect(&res, 500, "internal", NULL);
}

static void
test_opinion_bad_input_and_gate(void **state)
{
	static const struct {
		const char *body, *field;
	} bad[] = {
	    {"{\"topic\":\"目標1\",\"outcome\":\"partly\"}", "summary"},
	    {"{\"topic\":\"目標1\",\"summary\":\"　 \",\"outcome\":\"partly\"}", "summary"},
	    {"{\"topic\":\"\",\"summary\":\"x\",\"outcome\":\"partly\"}", "topic"},
	    {"{\"topic\":\"目標1\",\"summary\":\"x\"}", "outcome"},
	    {"{\"topic\":\"目標1\",\"summary\":\"x\",\"outcome\":\"partly\",\"count\":0}", "count"},
	    {"{\"topic\":\"目標1\",\"summary\":\"x\",\"outcome\":\"partly\",\"count\":-2}",
	     "count"},
	    {"{\"topic\":\"目標1\",\"summary\":\"x\",\"outcome\":\"partly\",\"number\":0}",
	     "number"},
	};
	struct http_response res;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		call(&ep_pc_opinion_create, HTTP_POST, PC_OP,
		     "/api/plans/2/public-comment/opinions", bad[i].body, NULL, &res);
		fake_expect(&res, 400, "bad_field", bad[i].field);
		call(&ep_xs_opinion_create, HTTP_POST, XS_OP, "/api/exchange-sessions/5/opinions",
		     bad[i].body, NULL, &res);
		fake_expect(&res, 400, "bad_field", bad[i].field);
	}
	call(&ep_pc_opinion_patch, HTTP_PATCH, PC_OP_ONE, "/api/public-comment-opinions/3", "{}",
	     "\"1\"", &res);
	fake_expect(&res, 400, "bad_body", NULL);
	call(&ep_pc_opinion_patch, HTTP_PATCH, PC_OP_ONE, "/api/public-comment-opinions/3",
	     "{\"summary\":\"\"}", "\"1\"", &res);
	fake_expect(&res, 400, "bad_field", "summary");
	call(&ep_xs_opinion_delete, HTTP_DELETE, XS_OP_ONE, "/api/exchange-session-opinions/3",
	     NULL, NULL, &res);
	fake_expect(&res, 428, "precondition_required", "If-Match");
	assert_int_equal(fake_db.session_lookups, 0);

	fake_call(&ep_pc_opinion_create, HTTP_POST, PC_OP, "/api/plans/2/public-comment/opinions",
	          NULL, OPINION_OK, NULL, false, &res);
	fake_expect(&res, 401, "unauthenticated", NULL);
	fake_sign_in("viewer", 31, 0);
	call(&ep_pc_opinion_create, HTTP_POST, PC_OP, "/api/plans/2/public-comment/opinions",
	     OPINION_OK, NULL, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	fake_sign_in("staff", 11, 2);
	call(&ep_xs_opinion_create, HTTP_POST, XS_OP, "/api/exchange-sessions/5/opinions",
	     OPINION_OK, NULL, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	call(&ep_pc_opinion_patch, HTTP_PATCH, PC_OP_ONE, "/api/public-comment-opinions/3",
	     "{\"count\":2}", "\"1\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	call(&ep_xs_opinion_delete, HTTP_DELETE, XS_OP_ONE, "/api/exchange-session-opinions/3",
	     NULL, "\"1\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 0);
}

static void
test_opinion_patch_and_delete(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_pc_opinion_patch, HTTP_PATCH, PC_OP_ONE, "/api/public-comment-opinions/3",
	     "{\"outcome\":\"not_reflected\"}", "\"2\"", &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"3\"");
	http_response_free(&res);
	assert_int_equal(seen_id, 3);
	assert_false(seen_in_session);
	assert_int_equal(seen_version, 2);
	assert_string_equal(seen_op.outcome, "not_reflected");
	assert_null(seen_op.summary);
	assert_int_equal(seen_op.number, 0);
	call(&ep_xs_opinion_patch, HTTP_PATCH, XS_OP_ONE, "/api/exchange-session-opinions/4",
	     "{\"count\":3}", "\"1\"", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_true(seen_in_session);
	assert_int_equal(seen_op.count, 3);

	call(&ep_pc_opinion_delete, HTTP_DELETE, PC_OP_ONE, "/api/public-comment-opinions/3", NULL,
	     "\"3\"", &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, "\"deleted\":true"));
	assert_null(http_get_header(&res, "ETag"));
	http_response_free(&res);
	assert_false(seen_in_session);
	call(&ep_xs_opinion_delete, HTTP_DELETE, XS_OP_ONE, "/api/exchange-session-opinions/4",
	     NULL, "\"1\"", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_true(seen_in_session);

	answer = DB_STALE;
	call(&ep_pc_opinion_patch, HTTP_PATCH, PC_OP_ONE, "/api/public-comment-opinions/3",
	     "{\"topic\":\"目標2\"}", "\"1\"", &res);
	assert_int_equal(res.status, 409);
	assert_string_equal(http_get_header(&res, "ETag"), "\"9\"");
	http_response_free(&res);
	call(&ep_pc_opinion_delete, HTTP_DELETE, PC_OP_ONE, "/api/public-comment-opinions/3", NULL,
	     "\"1\"", &res);
	assert_int_equal(res.status, 409);
	assert_non_null(strstr(res.body, "\"version\":9"));
	http_response_free(&res);
	answer = DB_MISSING;
	call(&ep_xs_opinion_delete, HTTP_DELETE, XS_OP_ONE, "/api/exchange-session-opinions/3",
	     NULL, "\"1\"", &res);
	fake_expect(&res, 404, "not_found", NULL);
	answer = DB_DENIED;
	call(&ep_pc_opinion_patch, HTTP_PATCH, PC_OP_ONE, "/api/public-comment-opinions/3",
	     "{\"count\":2}", "\"1\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
}

static void
test_lists(void **state)
{
	struct http_response res;

	(void)state;
	fake_call(&ep_pc_opinions, HTTP_GET, PC_OP, "/api/plans/2/public-comment/opinions", NULL,
	          NULL, NULL, false, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen_plan, 2);
	assert_int_equal(seen_session, 0);
	fake_call(&ep_xs_opinions, HTTP_GET, XS_OP, "/api/exchange-sessions/6/opinions", NULL, NULL,
	          NULL, false, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen_plan, 0);
	assert_int_equal(seen_session, 6);
	fake_call(&ep_xs_list, HTTP_GET, XS, "/api/plans/2/exchange-sessions", NULL, NULL, NULL,
	          false, &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	fake_call(&ep_xs_get, HTTP_GET, XS_ONE, "/api/exchange-sessions/6", NULL, NULL, NULL, false,
	          &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(http_get_header(&res, "ETag"), "\"4\"");
	http_response_free(&res);
	fake_call(&ep_xs_list, HTTP_GET, XS, "/api/plans/2/exchange-sessions", "x=1", NULL, NULL,
	          false, &res);
	fake_expect(&res, 400, "bad_parameter", NULL);
	answer = DB_MISSING;
	fake_call(&ep_pc_opinions, HTTP_GET, PC_OP, "/api/plans/99/public-comment/opinions", NULL,
	          NULL, NULL, false, &res);
	fake_expect(&res, 404, "not_found", NULL);
	answer = DB_AWAY;
	fake_call(&ep_xs_get, HTTP_GET, XS_ONE, "/api/exchange-sessions/6", NULL, NULL, NULL, false,
	          &res);
	fake_expect(&res, 503, "db_unavailable", NULL);
}

static void
test_csv_bytes(void **state)
{
	static const char expected[] =
	    "\xEF\xBB\xBF"
	    "番号,項目,意見の概要,意見数,区の考え方,反映状況\r\n"
	    "1,計画全体,\"'=HYPERLINK(\"\"http://x\"\")\",2,検討します。,反映\r\n"
	    "2,目標1,\"a, \"\"b\"\"\nc\",1,,反映なし\r\n";
	struct http_response res;

	(void)state;
	fake_call(&ep_pc_csv, HTTP_GET, "/api/plans/{id}/public-comment.csv",
	          "/api/plans/2/public-comment.csv", NULL, NULL, NULL, false, &res);
	assert_int_equal(res.status, 200);
	assert_string_equal(res.content_type, "text/csv; charset=utf-8");
	assert_string_equal(http_get_header(&res, "Content-Disposition"),
	                    "attachment; filename=\"shinchoku-public-comment-2.csv\"");
	assert_int_equal(res.body_len, sizeof expected - 1);
	assert_memory_equal(res.body, expected, sizeof expected - 1);
	http_response_free(&res);
	assert_int_equal(seen_plan, 2);
	answer = DB_MISSING;
	fake_call(&ep_pc_csv, HTTP_GET, "/api/plans/{id}/public-comment.csv",
	          "/api/plans/99/public-comment.csv", NULL, NULL, NULL, false, &res);
	fake_expect(&res, 404, "not_found", NULL);
}

static void
test_sessions(void **state)
{
	struct http_response res;

	(void)state;
	call(&ep_xs_create, HTTP_POST, XS, "/api/plans/2/exchange-sessions",
	     "{\"title\":\"区民意見交換会\",\"held_on\":\"2025-11-15\",\"place\":\"区役所\","
	     "\"participants\":0}",
	     NULL, &res);
	assert_int_equal(res.status, 201);
	http_response_free(&res);
	assert_int_equal(seen_plan, 2);
	assert_string_equal(seen_x.title, "区民意見交換会");
	assert_string_equal(seen_x.place, "区役所");
	assert_int_equal(seen_x.online, -1);
	assert_int_equal(seen_x.participants, 0);
	call(&ep_xs_patch, HTTP_PATCH, XS_ONE, "/api/exchange-sessions/6", "{\"online\":false}",
	     "\"4\"", &res);
	assert_int_equal(res.status, 200);
	http_response_free(&res);
	assert_int_equal(seen_x.online, 0);
	assert_int_equal(seen_x.participants, -1);
	assert_null(seen_x.title);
	assert_int_equal(seen_version, 4);
	call(&ep_xs_delete, HTTP_DELETE, XS_ONE, "/api/exchange-sessions/6", NULL, "\"4\"", &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, "\"id\":6"));
	http_response_free(&res);

	answer = DB_REFUSED;
	fake_fault("23514", "exchange_session_place", "");
	call(&ep_xs_create, HTTP_POST, XS, "/api/plans/2/exchange-sessions",
	     "{\"title\":\"意見交換会\",\"held_on\":\"2025-11-15\"}", NULL, &res);
	fake_expect(&res, 400, "bad_field", "place");
	answer = DB_STALE;
	call(&ep_xs_delete, HTTP_DELETE, XS_ONE, "/api/exchange-sessions/6", NULL, "\"3\"", &res);
	assert_int_equal(res.status, 409);
	http_response_free(&res);

	answer = DB_OK;
	call(&ep_xs_create, HTTP_POST, XS, "/api/plans/2/exchange-sessions",
	     "{\"title\":\"意見交換会\",\"held_on\":\"2025-11-31\"}", NULL, &res);
	fake_expect(&res, 400, "bad_field", "held_on");
	call(&ep_xs_create, HTTP_POST, XS, "/api/plans/2/exchange-sessions",
	     "{\"held_on\":\"2025-11-15\",\"online\":true}", NULL, &res);
	fake_expect(&res, 400, "bad_field", "title");
	call(&ep_xs_create, HTTP_POST, XS, "/api/plans/2/exchange-sessions",
	     "{\"title\":\"x\",\"held_on\":\"2025-11-15\",\"participants\":-1}", NULL, &res);
	fake_expect(&res, 400, "bad_field", "participants");
	call(&ep_xs_patch, HTTP_PATCH, XS_ONE, "/api/exchange-sessions/6", "{}", "\"4\"", &res);
	fake_expect(&res, 400, "bad_body", NULL);
	fake_sign_in("manager", 21, 2);
	call(&ep_xs_create, HTTP_POST, XS, "/api/plans/2/exchange-sessions",
	     "{\"title\":\"x\",\"held_on\":\"2025-11-15\",\"online\":true}", NULL, &res);
	fake_expect(&res, 403, "forbidden", NULL);
	call(&ep_xs_delete, HTTP_DELETE, XS_ONE, "/api/exchange-sessions/6", NULL, "\"4\"", &res);
	fake_expect(&res, 403, "forbidden", NULL);
	assert_int_equal(calls, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_pc_get, setup),
	    cmocka_unit_test_setup(test_pc_put, setup),
	    cmocka_unit_test_setup(test_pc_put_bad_input_and_gate, setup),
	    cmocka_unit_test_setup(test_opinion_create, setup),
	    cmocka_unit_test_setup(test_opinion_bad_input_and_gate, setup),
	    cmocka_unit_test_setup(test_opinion_patch_and_delete, setup),
	    cmocka_unit_test_setup(test_lists, setup),
	    cmocka_unit_test_setup(test_csv_bytes, setup),
	    cmocka_unit_test_setup(test_sessions, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
