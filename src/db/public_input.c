/* SQL of public input: the public comment of a plan, its exchange
 * sessions and their result tables (sql/009). The tallies are the
 * database's opinion_tally(); the statements check the acting admin and
 * the tables' policies check it again. */
#include "public_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "fragments.h"

/* SQL reads better laid out by hand. */
/* clang-format off */

#define PLAN_REF                                                                                   \
	"json_build_object('id', p.id, 'title', p.title, 'state', p.state)"

/* The public comment of plan p (c its row). */
#define PC_JSON                                                                                    \
	"json_build_object('plan', " PLAN_REF ", 'starts_on', c.starts_on, 'ends_on', c.ends_on,"  \
	" 'submitters', c.submitters, 'opinions', c.opinions, 'notes', c.notes,"                   \
	" 'version', c.version, 'updated_at', c.updated_at,"                                       \
	" 'tally', opinion_tally(c.plan_id, NULL))"

/* Opinion o, k its outcome. */
#define OPINION_JSON                                                                               \
	"json_build_object('id', o.id, 'plan_id', o.plan_id, 'session_id', o.session_id,"          \
	" 'number', o.number, 'topic', o.topic, 'summary', o.summary, 'answer', o.answer,"         \
	" 'outcome', o.outcome, 'outcome_label', k.label, 'count', o.count,"                       \
	" 'version', o.version, 'updated_at', o.updated_at)"

/* Exchange session s, with the tally of its opinions. */
#define SESSION_JSON                                                                               \
	"json_build_object('id', s.id, 'plan_id', s.plan_id, 'title', s.title,"                    \
	" 'held_on', s.held_on, 'place', s.place, 'online', s.online,"                             \
	" 'participants', s.participants, 'notes', s.notes, 'version', s.version,"                 \
	" 'updated_at', s.updated_at, 'tally', opinion_tally(s.plan_id, s.id))"

/* The result table $1 (a plan's public comment, $2 NULL) or $2 (an
 * exchange session, $1 NULL), as (plan_id, session_id). */
#define OWNER                                                                                      \
	"(SELECT p.id AS plan_id, NULL::int AS session_id FROM plan p"                             \
	"  WHERE $2::int IS NULL AND p.id = $1::int"                                               \
	" UNION ALL SELECT s.plan_id, s.id FROM exchange_session s WHERE s.id = $2::int) w"

/* An outcome given as its key or its label: the key (an unknown one is
 * left as it is, for the foreign key to refuse). */
#define OUTCOME_KEY(p) "coalesce((SELECT key FROM opinion_outcome WHERE label = " p "), " p ")"

/* The opinion $1 in the table kind $2 (true: an exchange session's). */
#define OPINION_OF_KIND "o.id = $1 AND (o.session_id IS NOT NULL) = $2::boolean"

const struct db_stmt db_public_input_stmts[] = {
    {"pc_get",
     "SELECT " PC_JSON "::text, c.version FROM public_comment c JOIN plan p ON p.id = c.plan_id"
     " WHERE c.plan_id = $1",
     1},
    {"pc_why", "SELECT " SQL_ACTING_ADMIN " FROM public_comment c WHERE c.plan_id = $1", 1},
    /* $2 the version read; a PUT replaces everything. */
    {"pc_put",
     "UPDATE public_comment SET starts_on = $3::date, ends_on = $4::date,"
     " submitters = $5::int, opinions = $6::int, notes = coalesce($7, ''),"
     " version = version + 1, updated_at = now()"
     " WHERE plan_id = $1 AND version = $2 AND " SQL_ACTING_ADMIN " RETURNING plan_id",
     7},

    {"opinion_list",
     "SELECT json_build_object('plan_id', w.plan_id, 'session_id', w.session_id,"
     " 'items', (SELECT coalesce(json_agg(" OPINION_JSON " ORDER BY o.number), '[]')"
     "   FROM opinion o JOIN opinion_outcome k ON k.key = o.outcome"
     "   WHERE o.plan_id = w.plan_id AND o.session_id IS NOT DISTINCT FROM w.session_id),"
     " 'tally', opinion_tally(w.plan_id, w.session_id))::text FROM " OWNER,
     2},
    {"opinion_get",
     "SELECT " OPINION_JSON "::text, o.version FROM opinion o"
     " JOIN opinion_outcome k ON k.key = o.outcome WHERE o.id = $1",
     1},
    {"opinion_owner_why", "SELECT " SQL_ACTING_ADMIN " FROM " OWNER, 2},
    {"opinion_why", "SELECT " SQL_ACTING_ADMIN " FROM opinion o WHERE " OPINION_OF_KIND, 2},
    /* $3 the number (NULL: the next free one), $4 topic, $5 summary,
     * $6 answer, $7 outcome, $8 count. */
    {"opinion_create",
     "INSERT INTO opinion (plan_id, session_id, number, topic, summary, answer, outcome, count)"
     " SELECT w.plan_id, w.session_id, coalesce($3::int, (SELECT coalesce(max(x.number), 0) + 1"
     "   FROM opinion x WHERE x.plan_id = w.plan_id"
     "   AND x.session_id IS NOT DISTINCT FROM w.session_id)),"
     " $4, $5, coalesce($6, ''), " OUTCOME_KEY("$7") ", coalesce($8::int, 1)"
     " FROM " OWNER " WHERE " SQL_ACTING_ADMIN " RETURNING id",
     8},
    /* $3 the version read; NULL fields are left as they are. */
    {"opinion_update",
     "UPDATE opinion o SET number = coalesce($4::int, o.number), topic = coalesce($5, o.topic),"
     " summary = coalesce($6, o.summary), answer = coalesce($7, o.answer),"
     " outcome = coalesce(" OUTCOME_KEY("$8") ", o.outcome), count = coalesce($9::int, o.count),"
     " version = o.version + 1, updated_at = now()"
     " WHERE " OPINION_OF_KIND " AND o.version = $3 AND " SQL_ACTING_ADMIN " RETURNING o.id",
     9},
    {"opinion_delete",
     "DELETE FROM opinion o WHERE " OPINION_OF_KIND " AND o.version = $3 AND " SQL_ACTING_ADMIN
     " RETURNING o.id",
     3},
    /* The CSV: its titles (ord 0), then the public comment's rows. */
    {"opinion_export",
     "SELECT 0 AS ord, '番号', '項目', '意見の概要', '意見数', '区の考え方', '反映状況'"
     " FROM plan p WHERE p.id = $1"
     " UNION ALL SELECT o.number, o.number::text, o.topic, o.summary, o.count::text, o.answer,"
     " k.label FROM opinion o JOIN opinion_outcome k ON k.key = o.outcome"
     " WHERE o.plan_id = $1 AND o.session_id IS NULL ORDER BY 1",
     1},

    {"exchange_list",
     "SELECT json_build_object('plan', " PLAN_REF ","
     " 'items', (SELECT coalesce(json_agg(" SESSION_JSON " ORDER BY s.held_on, s.id), '[]')"
     "   FROM exchange_session s WHERE s.plan_id = p.id))::text FROM plan p WHERE p.id = $1",
     1},
    {"exchange_get",
     "SELECT " SESSION_JSON "::text, s.version FROM exchange_session s WHERE s.id = $1", 1},
    {"exchange_plan_why", "SELECT " SQL_ACTING_ADMIN " FROM plan p WHERE p.id = $1", 1},
    {"exchange_why", "SELECT " SQL_ACTING_ADMIN " FROM exchange_session s WHERE s.id = $1", 1},
    /* $2 title, $3 held_on, $4 place, $5 online, $6 participants, $7 notes. */
    {"exchange_create",
     "INSERT INTO exchange_session (plan_id, title, held_on, place, online, participants, notes)"
     " SELECT p.id, $2, $3::date, coalesce($4, ''), coalesce($5::boolean, false), $6::int,"
     " coalesce($7, '') FROM plan p WHERE p.id = $1 AND " SQL_ACTING_ADMIN " RETURNING id",
     7},
    /* $2 the version read; NULL fields are left as they are. */
    {"exchange_update",
     "UPDATE exchange_session s SET title = coalesce($3, s.title),"
     " held_on = coalesce($4::date, s.held_on), place = coalesce($5, s.place),"
     " online = coalesce($6::boolean, s.online),"
     " participants = coalesce($7::int, s.participants), notes = coalesce($8, s.notes),"
     " version = s.version + 1, updated_at = now()"
     " WHERE s.id = $1 AND s.version = $2 AND " SQL_ACTING_ADMIN " RETURNING s.id",
     8},
    {"exchange_delete",
     "DELETE FROM exchange_session s WHERE s.id = $1 AND s.version = $2 AND " SQL_ACTING_ADMIN
     " RETURNING s.id",
     2},
    {NULL, NULL, 0},
};
/* clang-format on */

/* ---- one shape of write for every resource here ---- */

struct pi_write {
	const char *write; /* RETURNING the record's id: none when nothing matched */
	const char *why;   /* why nothing matched: first cell "acting admin", no row: missing */
	const char *get;   /* the record by id: (json, version) */
	int nwrite, nwhy;
	const char *const *p; /* the write's parameters; the why's are its first */
	bool creating;        /* an insert: nothing matched is never stale */
	bool deleting;        /* no record after success */
	char *json;
	int64_t version;
};

/* Inside dbi_tx: DB_OK with the record written (none after a deletion);
 * when the write matched nothing DB_MISSING, DB_DENIED, or DB_STALE with
 * the record as it is now (p[0] is its id; DB_BUG for a create, which
 * cannot be stale); or the failure of a statement. */
static enum db_rc
write_tx(struct db *db, void *arg)
{
	struct pi_write *w = arg;
	const char *key[1];
	char id[24];
	PGresult *r;
	enum db_rc rc;
	bool none;

	if ((rc = dbi_rows(db, w->write, w->nwrite, w->p, &r)) != DB_OK)
		return rc;
	none = PQntuples(r) == 0;
	if (!none)
		snprintf(id, sizeof id, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (!none) {
		key[0] = id;
		return w->deleting ? DB_OK
		                   : dbi_json_version(db, w->get, 1, key, &w->json, &w->version);
	}
	if ((rc = dbi_may(db, w->why, w->nwhy, w->p)) != DB_OK)
		return rc;
	/* A create with its owner there and an admin acting inserts a row. */
	if (w->creating)
		return DB_BUG;
	if ((rc = dbi_json_version(db, w->get, 1, w->p, &w->json, &w->version)) != DB_OK)
		return rc;
	return DB_STALE;
}

/* Runs w in one transaction as user; returns as the header says. */
static enum db_rc
pi_write(struct db *db, int user, struct pi_write *w, char **json, int64_t *version)
{
	enum db_rc rc = dbi_settle(dbi_tx(db, user, "api", false, write_tx, w), &w->json);

	*json = w->json;
	*version = w->version;
	return rc;
}

/* NULL for a negative (absent) count, else its digits. */
static const char *
opt_count(char buf[24], int64_t v)
{
	return v < 0 ? NULL : dbi_int(buf, v);
}

/* ---- public comment ---- */

enum db_rc
db_pc_get(struct db *db, int64_t plan, char **json, int64_t *version)
{
	char pl[24];
	const char *p[1] = {dbi_int(pl, plan)};

	if (db_ensure(db) != 0)
		return DB_AWAY;
	return dbi_json_version(db, "pc_get", 1, p, json, version);
}

enum db_rc
db_pc_put(struct db *db, int user, int64_t plan, int64_t version,
          const struct db_public_comment *pc, char **json, int64_t *version_now)
{
	char pl[24], ver[24], sub[24], op[24];
	const char *p[7] = {
	    dbi_int(pl, plan), dbi_int(ver, version),          pc->starts_on,
	    pc->ends_on,       opt_count(sub, pc->submitters), opt_count(op, pc->opinions),
	    pc->notes};
	struct pi_write w = {
	    .write = "pc_put", .why = "pc_why", .get = "pc_get", .nwrite = 7, .nwhy = 1, .p = p};

	return pi_write(db, user, &w, json, version_now);
}

/* ---- opinions ---- */

enum db_rc
db_opinion_list(struct db *db, int64_t plan, int64_t session, char **json)
{
	char pl[24], se[24];
	const char *p[2] = {dbi_opt(pl, plan), dbi_opt(se, session)};

	return dbi_json(db, "opinion_list", 2, p, json);
}

enum db_rc
db_opinion_create(struct db *db, int user, int64_t plan, int64_t session,
                  const struct db_opinion *o, char **json, int64_t *version)
{
	char pl[24], se[24], num[24], cnt[24];
	const char *p[8] = {
	    dbi_opt(pl, plan), dbi_opt(se, session), dbi_opt(num, o->number), o->topic, o->summary,
	    o->answer,         o->outcome,           dbi_opt(cnt, o->count)};
	struct pi_write w = {.write = "opinion_create",
	                     .why = "opinion_owner_why",
	                     .get = "opinion_get",
	                     .nwrite = 8,
	                     .nwhy = 2,
	                     .p = p,
	                     .creating = true};

	return pi_write(db, user, &w, json, version);
}

enum db_rc
db_opinion_update(struct db *db, int user, int64_t id, bool in_session, int64_t version,
                  const struct db_opinion *o, char **json, int64_t *version_now)
{
	char oid[24], ver[24], num[24], cnt[24];
	const char *p[9] = {dbi_int(oid, id),
	                    in_session ? "t" : "f",
	                    dbi_int(ver, version),
	                    dbi_opt(num, o->number),
	                    o->topic,
	                    o->summary,
	                    o->answer,
	                    o->outcome,
	                    dbi_opt(cnt, o->count)};
	struct pi_write w = {.write = "opinion_update",
	                     .why = "opinion_why",
	                     .get = "opinion_get",
	                     .nwrite = 9,
	                     .nwhy = 2,
	                     .p = p};

	return pi_write(db, user, &w, json, version_now);
}

enum db_rc
db_opinion_delete(struct db *db, int user, int64_t id, bool in_session, int64_t version,
                  char **json, int64_t *version_now)
{
	char oid[24], ver[24];
	const char *p[3] = {dbi_int(oid, id), in_session ? "t" : "f", dbi_int(ver, version)};
	struct pi_write w = {.write = "opinion_delete",
	                     .why = "opinion_why",
	                     .get = "opinion_get",
	                     .nwrite = 3,
	                     .nwhy = 2,
	                     .p = p,
	                     .deleting = true};

	return pi_write(db, user, &w, json, version_now);
}

/* Column 0 of opinion_export is the order; the titles and cells follow. */
enum db_rc
db_opinion_export(struct db *db, int64_t plan, struct db_opinion_table *out)
{
	char pl[24];
	const char *p[1] = {dbi_int(pl, plan)};
	PGresult *r;
	enum db_rc rc;

	memset(out, 0, sizeof *out);
	rc = dbi_table(db, "opinion_export", 1, p, DB_OPINION_COLUMNS, out->titles, &out->cells,
	               &out->nrows, &r);
	/* No titles row: no such plan. */
	if (rc == DB_OK)
		out->owner = r;
	return rc;
}

void
db_opinion_table_free(struct db_opinion_table *t)
{
	free(t->cells);
	PQclear(t->owner);
	memset(t, 0, sizeof *t);
}

/* ---- exchange sessions ---- */

enum db_rc
db_exchange_list(struct db *db, int64_t plan, char **json)
{
	char pl[24];
	const char *p[1] = {dbi_int(pl, plan)};

	return dbi_json(db, "exchange_list", 1, p, json);
}

enum db_rc
db_exchange_get(struct db *db, int64_t id, char **json, int64_t *version)
{
	char sid[24];
	const char *p[1] = {dbi_int(sid, id)};

	if (db_ensure(db) != 0)
		return DB_AWAY;
	return dbi_json_version(db, "exchange_get", 1, p, json, version);
}

/* online for SQL: NULL (as it is), "t" or "f". */
static const char *
opt_bool(int v)
{
	return v < 0 ? NULL : v ? "t" : "f";
}

enum db_rc
db_exchange_create(struct db *db, int user, int64_t plan, const struct db_exchange *x, char **json,
                   int64_t *version)
{
	char pl[24], n[24];
	const char *p[7] = {dbi_int(pl, plan),
	                    x->title,
	                    x->held_on,
	                    x->place,
	                    opt_bool(x->online),
	                    opt_count(n, x->participants),
	                    x->notes};
	struct pi_write w = {.write = "exchange_create",
	                     .why = "exchange_plan_why",
	                     .get = "exchange_get",
	                     .nwrite = 7,
	                     .nwhy = 1,
	                     .p = p,
	                     .creating = true};

	return pi_write(db, user, &w, json, version);
}

enum db_rc
db_exchange_update(struct db *db, int user, int64_t id, int64_t version,
                   const struct db_exchange *x, char **json, int64_t *version_now)
{
	char sid[24], ver[24], n[24];
	const char *p[8] = {
	    dbi_int(sid, id),    dbi_int(ver, version),         x->title, x->held_on, x->place,
	    opt_bool(x->online), opt_count(n, x->participants), x->notes};
	struct pi_write w = {.write = "exchange_update",
	                     .why = "exchange_why",
	                     .get = "exchange_get",
	                     .nwrite = 8,
	                     .nwhy = 1,
	                     .p = p};

	return pi_write(db, user, &w, json, version_now);
}

enum db_rc
db_exchange_delete(struct db *db, int user, int64_t id, int64_t version, char **json,
                   int64_t *version_now)
{
	char sid[24], ver[24];
	const char *p[2] = {dbi_int(sid, id), dbi_int(ver, version)};
	struct pi_write w = {.write = "exchange_delete",
	                     .why = "exchange_why",
	                     .get = "exchange_get",
	                     .nwrite = 2,
	                     .nwhy = 1,
	                     .p = p,
	                     .deleting = true};

	return pi_write(db, user, &w, json, version_now);
}
