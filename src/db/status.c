/* SQL of status-change requests: propose, withdraw, decide, list. Who may
 * do what is in each statement (and in status_request's policies). */
#include "status.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* One request as the API shows it; r is status_request. */
#define REQUEST_JSON                                                                               \
	"json_build_object('id', r.id, 'activity_id', r.activity_id,"                              \
	" 'activity_name', a.name, 'measure_code', m.code, 'fiscal_year', r.fiscal_year,"          \
	" 'from_status', r.from_status, 'from_mark', fs.mark,"                                     \
	" 'to_status', r.to_status, 'to_mark', ts.mark, 'scale', r.scale,"                         \
	" 'scale_name', (SELECT CASE r.scale WHEN 2 THEN h.scale2_name ELSE h.scale_name END"      \
	"   FROM scheme h WHERE h.id = r.scheme_id), 'reason', r.reason,"                          \
	" 'state', r.state,"                                                                       \
	" 'requested_by', json_build_object('id', q.id, 'login', q.login,"                         \
	"   'display_name', q.display_name),"                                                      \
	" 'requested_at', r.requested_at,"                                                         \
	" 'decided_by', CASE WHEN d.id IS NULL THEN NULL ELSE json_build_object('id', d.id,"       \
	"   'login', d.login, 'display_name', d.display_name) END,"                                \
	" 'decided_at', r.decided_at, 'comment', r.comment, 'version', r.version,"                 \
	" 'can_decide', r.state = 'pending' AND r.requested_by <> app_current_user()"              \
	"   AND app_may_edit(r.activity_id, ARRAY['manager', 'admin']))"

#define REQUEST_FROM                                                                               \
	" FROM status_request r JOIN activity a ON a.id = r.activity_id"                           \
	" JOIN measure m ON m.id = a.measure_id JOIN app_user q ON q.id = r.requested_by"          \
	" LEFT JOIN app_user d ON d.id = r.decided_by"                                             \
	" LEFT JOIN progress_status fs ON fs.scheme_id = r.scheme_id AND fs.key = r.from_status"   \
	" JOIN progress_status ts ON ts.scheme_id = r.scheme_id AND ts.key = r.to_status"

/* clang-format off */
const struct db_stmt db_status_stmts[] = {
    {"sr_get", "SELECT " REQUEST_JSON "::text" REQUEST_FROM " WHERE r.id = $1", 1},
    /* $1 activity, $2 year, $3 new status, $4 reason. $3 is the key the
     * door found in any scheme (scale.h): the level of the record's own
     * scheme with that key, else with that level's mark (sql/015); the
     * value it moves from is that level's scale's. */
    {"sr_create",
     "INSERT INTO status_request (activity_id, fiscal_year, from_status, to_status, reason,"
     " requested_by)"
     " SELECT y.activity_id, y.fiscal_year, CASE t.scale WHEN 2 THEN y.status2 ELSE y.status END,"
     " coalesce(t.key, $3), $4, app_current_user()"
     " FROM activity_year y LEFT JOIN LATERAL (SELECT s.key, s.scale FROM progress_status s"
     "   WHERE s.scheme_id = y.scheme_id AND (s.key = $3 OR s.mark IN"
     "     (SELECT o.mark FROM progress_status o WHERE o.key = $3))"
     "   ORDER BY s.key = $3 DESC, s.scale LIMIT 1) t ON true"
     " WHERE y.activity_id = $1 AND y.fiscal_year = $2"
     "   AND app_may_edit(y.activity_id, ARRAY['staff', 'manager', 'admin'])"
     " RETURNING id",
     4},
    /* Why the insert matched nothing: does the record exist, and may this
     * user propose for it. */
    {"sr_year_why",
     "SELECT app_may_edit(y.activity_id, ARRAY['staff', 'manager', 'admin'])"
     " FROM activity_year y WHERE y.activity_id = $1 AND y.fiscal_year = $2",
     2},
    {"sr_withdraw",
     "UPDATE status_request SET state = 'withdrawn', version = version + 1"
     " WHERE id = $1 AND state = 'pending' AND requested_by = app_current_user()"
     " RETURNING id",
     1},
    /* $2 approved or rejected, $3 comment. */
    {"sr_decide",
     "UPDATE status_request r SET state = $2, decided_by = app_current_user(),"
     " decided_at = now(), comment = $3, version = r.version + 1"
     " WHERE r.id = $1 AND r.state = 'pending' AND r.requested_by <> app_current_user()"
     "   AND app_may_edit(r.activity_id, ARRAY['manager', 'admin'])"
     " RETURNING r.activity_id, r.fiscal_year, r.to_status, r.reason, r.scale",
     3},
    /* The approved status and its reason reach the record in the same
     * transaction (activity_year's guard checks that). */
    {"sr_apply",
     "UPDATE activity_year SET status = CASE WHEN $5 = 2 THEN status ELSE $3 END,"
     " status2 = CASE WHEN $5 = 2 THEN $3 ELSE status2 END, change_reason = $4,"
     " version = version + 1, updated_at = now() WHERE activity_id = $1 AND fiscal_year = $2",
     5},
    /* Why a request could not be withdrawn or decided: its state, is it
     * the user's own, may the user decide it. */
    {"sr_why",
     "SELECT r.state, r.requested_by = app_current_user(),"
     " app_may_edit(r.activity_id, ARRAY['manager', 'admin'])"
     " FROM status_request r WHERE r.id = $1",
     1},
    /* The inbox: $1 state (NULL = all). Admins see every request, managers
     * their departments', everyone their own. */
    {"sr_list",
     "SELECT json_build_object('items', coalesce(json_agg(x.j ORDER BY x.at DESC, x.id DESC),"
     " '[]'))::text FROM (SELECT " REQUEST_JSON " AS j, r.requested_at AS at, r.id"
     REQUEST_FROM
     " WHERE ($1::text IS NULL OR r.state = $1)"
     "   AND (r.requested_by = app_current_user()"
     "        OR app_may_edit(r.activity_id, ARRAY['manager', 'admin']))"
     " ORDER BY r.requested_at DESC LIMIT 500) x",
     1},
    /* $1 activity: its requests in every state (the activity page). */
    {"sr_of_activity",
     "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM activity WHERE id = $1) THEN NULL"
     " ELSE json_build_object('activity_id', $1::int, 'items',"
     "  (SELECT coalesce(json_agg(x.j ORDER BY x.at DESC, x.id DESC), '[]')"
     "   FROM (SELECT " REQUEST_JSON " AS j, r.requested_at AS at, r.id" REQUEST_FROM
     "         WHERE r.activity_id = $1) x)) END::text",
     1},
    {NULL, NULL, 0},
};
/* clang-format on */

/* ---- propose ---- */

struct sr_create {
	const char *p[4]; /* activity, year, status, reason */
	char *json;
};

/* Why the insert matched nothing: DB_MISSING (no record), DB_DENIED (may
 * not propose), DB_STALE (may now: the rights changed meanwhile), or the
 * failure of the statement. */
static enum db_rc
create_refused(struct db *db, const char *const *key)
{
	PGresult *r;
	enum db_rc rc;

	if ((rc = dbi_rows(db, "sr_year_why", 2, key, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 0)
		rc = DB_MISSING;
	else if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
		rc = DB_DENIED;
	else
		rc = DB_STALE;
	PQclear(r);
	return rc;
}

/* Inside dbi_tx: DB_OK with the new request in s->json, or why not. */
static enum db_rc
create_tx(struct db *db, void *arg)
{
	struct sr_create *s = arg;
	char id[24];
	const char *p[1] = {id};
	PGresult *r;
	enum db_rc rc;

	if ((rc = dbi_rows(db, "sr_create", 4, s->p, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return create_refused(db, s->p);
	}
	dbi_int(id, atoll(PQgetvalue(r, 0, 0)));
	PQclear(r);
	return dbi_json(db, "sr_get", 1, p, &s->json);
}

enum db_rc
db_status_request_create(struct db *db, int user, int64_t activity, int64_t fiscal_year,
                         const char *status, const char *reason, char **json)
{
	char id[24], fy[24];
	struct sr_create s = {{dbi_int(id, activity), dbi_int(fy, fiscal_year), status, reason},
	                      NULL};
	enum db_rc rc = dbi_tx(db, user, "api", false, create_tx, &s);

	if (rc != DB_OK) {
		free(s.json);
		s.json = NULL;
	}
	*json = s.json;
	return rc;
}

/* ---- withdraw, decide ---- */

struct sr_change {
	char id[24];
	const char *decision, *comment; /* deciding; NULL when withdrawing */
	char *json;
	char *state; /* DB_REQUEST_STATE_MAX bytes */
};

/* Why withdrawing or deciding matched nothing: DB_MISSING (no request),
 * DB_DENIED (not the requester's to withdraw; one's own, or not one's
 * department's to decide), else DB_STALE with the request's state; or the
 * failure of the statement. */
static enum db_rc
change_refused(struct db *db, struct sr_change *c)
{
	const char *p[1] = {c->id};
	bool deciding = c->decision != NULL, own, may_decide;
	PGresult *r;
	enum db_rc rc;

	if ((rc = dbi_rows(db, "sr_why", 1, p, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return DB_MISSING;
	}
	own = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	may_decide = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
	if ((deciding && own) || (deciding ? !may_decide : !own))
		rc = DB_DENIED;
	else if ((size_t)PQgetlength(r, 0, 0) >= DB_REQUEST_STATE_MAX)
		rc = DB_BUG; /* a state the table does not allow */
	else {
		memcpy(c->state, PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0) + 1);
		rc = DB_STALE;
	}
	PQclear(r);
	return rc;
}

/* Inside dbi_tx: DB_OK with the request as it is now in c->json, or why
 * not. An approval applies the status and reason to the record. */
static enum db_rc
change_tx(struct db *db, void *arg)
{
	struct sr_change *c = arg;
	const char *p[3] = {c->id, c->decision, c->comment};
	const char *apply[5];
	PGresult *r;
	enum db_rc rc;

	if (c->decision == NULL)
		rc = dbi_rows(db, "sr_withdraw", 1, p, &r);
	else
		rc = dbi_rows(db, "sr_decide", 3, p, &r);
	if (rc != DB_OK)
		return rc;
	if (PQntuples(r) == 0) {
		PQclear(r);
		return change_refused(db, c);
	}
	if (c->decision != NULL && strcmp(c->decision, "approved") == 0) {
		apply[0] = PQgetvalue(r, 0, 0), apply[1] = PQgetvalue(r, 0, 1);
		apply[2] = PQgetvalue(r, 0, 2), apply[3] = PQgetvalue(r, 0, 3);
		apply[4] = PQgetvalue(r, 0, 4); /* the scale it moves */
		rc = dbi_do(db, "sr_apply", 5, apply);
	}
	PQclear(r);
	return rc == DB_OK ? dbi_json(db, "sr_get", 1, p, &c->json) : rc;
}

static enum db_rc
change(struct db *db, int user, struct sr_change *c, char **json)
{
	enum db_rc rc;

	c->state[0] = '\0';
	rc = dbi_tx(db, user, "api", false, change_tx, c);
	if (rc != DB_OK) {
		free(c->json);
		c->json = NULL;
	}
	if (rc != DB_STALE)
		c->state[0] = '\0';
	*json = c->json;
	return rc;
}

enum db_rc
db_status_request_withdraw(struct db *db, int user, int64_t id, char **json,
                           char state[DB_REQUEST_STATE_MAX])
{
	struct sr_change c = {.state = state};

	dbi_int(c.id, id);
	return change(db, user, &c, json);
}

enum db_rc
db_status_request_decide(struct db *db, int user, int64_t id, const char *decision,
                         const char *comment, char **json, char state[DB_REQUEST_STATE_MAX])
{
	struct sr_change c = {.decision = decision, .comment = comment, .state = state};

	dbi_int(c.id, id);
	return change(db, user, &c, json);
}

/* ---- the inbox ---- */

struct sr_list {
	const char *stmt;
	const char *p[1];
	char *json;
};

/* Inside dbi_tx: the lists read app_current_user(). */
static enum db_rc
list_tx(struct db *db, void *arg)
{
	struct sr_list *l = arg;

	return dbi_json(db, l->stmt, 1, l->p, &l->json);
}

static enum db_rc
list_as(struct db *db, int user, struct sr_list *l, char **json)
{
	enum db_rc rc = dbi_tx(db, user, "api", false, list_tx, l);

	if (rc != DB_OK) {
		free(l->json);
		l->json = NULL;
	}
	*json = l->json;
	return rc;
}

enum db_rc
db_status_request_list(struct db *db, int user, const char *state, char **json)
{
	struct sr_list l = {"sr_list", {state}, NULL};

	return list_as(db, user, &l, json);
}

enum db_rc
db_status_request_of_activity(struct db *db, int user, int64_t activity_id, char **json)
{
	char id[24];
	struct sr_list l = {"sr_of_activity", {dbi_int(id, activity_id)}, NULL};

	return list_as(db, user, &l, json);
}
