/* SQL of sessions and sign-in. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* clang-format off */
const struct db_stmt db_session_stmts[] = {
    /* A live session's user. $1 token hash, $2 idle minutes, $3 absolute
     * hours. A deactivated user's sessions are dead. last_seen_at is
     * touched only when it is older than a tenth of the idle time (at most
     * a minute): a write on every request made every signed-in read a
     * transaction that waited for its WAL flush. A session may so expire
     * up to that much before its idle time has passed since its last
     * request, never after. */
    {"auth_session",
     "WITH live AS (SELECT s.token_hash, s.last_seen_at, u.id, u.login, u.role,"
     "    coalesce(u.department_id, 0) AS department_id, s.csrf_token"
     "  FROM session s JOIN app_user u ON u.id = s.user_id"
     "  WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.active"
     "    AND s.last_seen_at > now() - make_interval(mins => $2::int)"
     "    AND s.created_at > now() - make_interval(hours => $3::int)),"
     " touch AS (UPDATE session s SET last_seen_at = now() FROM live"
     "  WHERE s.token_hash = live.token_hash"
     "    AND live.last_seen_at < now() - make_interval(secs => least(60, $2::int * 6)))"
     " SELECT id, login, role, department_id, csrf_token FROM live",
     3},
    {"session_login",
     "SELECT id, password_hash, active FROM app_user WHERE login = $1", 1},
    /* The sign-in throttle (db_session_attempt), under the advisory locks
     * of the login and then of the address: every transaction takes them
     * in that order, and holds an address lock only while it takes no
     * other, so two can never wait for each other. The two-key form of
     * the locks is a key space of its own, apart from the one-key locks
     * of migrate and import. */
    {"session_lock_login", "SELECT pg_advisory_xact_lock(7311003, hashtext($1))", 1},
    {"session_lock_addr", "SELECT pg_advisory_xact_lock(7311004, hashtext($1))", 1},
    /* Failures in the window ($3 minutes) of the pair ($1 login, $2
     * address), of the address and of the login, and the seconds until
     * each rule would let an attempt through: the pair's ($4 failures) and
     * the address's ($5) when their $4-th/$5-th newest failure leaves the
     * window; the login's delay, for an address that failed for it once
     * the login has $4 failures from anywhere, 2^(failures - $4) seconds
     * (at most $6) after the pair's last failure. The exponent is bounded
     * so that power() cannot overflow. */
    {"session_throttle",
     "WITH f AS (SELECT login = $1 AS l, addr = $2 AS a, at FROM login_failure"
     "           WHERE (login = $1 OR addr = $2) AND at > now() - make_interval(mins => $3::int)),"
     "     c AS (SELECT count(*) FILTER (WHERE l AND a) AS pair, count(*) FILTER (WHERE a) AS addr,"
     "                  count(*) FILTER (WHERE l) AS login, max(at) FILTER (WHERE l AND a) AS last"
     "           FROM f),"
     "     u AS (SELECT c.*,"
     "        CASE WHEN pair >= $4::int THEN (SELECT at FROM f WHERE l AND a ORDER BY at DESC"
     "          OFFSET $4::int - 1 LIMIT 1) + make_interval(mins => $3::int) END AS pair_until,"
     "        CASE WHEN addr >= $5::int THEN (SELECT at FROM f WHERE a ORDER BY at DESC"
     "          OFFSET $5::int - 1 LIMIT 1) + make_interval(mins => $3::int) END AS addr_until,"
     "        CASE WHEN pair > 0 AND login >= $4::int THEN last + make_interval(secs =>"
     "          least(power(2, least(login - $4::int, 30)), $6::int)) END AS delay_until"
     "           FROM c)"
     " SELECT pair, addr, login,"
     "  coalesce(greatest(ceil(extract(epoch FROM pair_until - now())), 0), 0)::bigint,"
     "  coalesce(greatest(ceil(extract(epoch FROM addr_until - now())), 0), 0)::bigint,"
     "  coalesce(greatest(ceil(extract(epoch FROM delay_until - now())), 0), 0)::bigint"
     " FROM u",
     6},
    {"session_fail", "INSERT INTO login_failure (login, addr) VALUES ($1, $2) RETURNING id", 2},
    /* A sign-in that succeeded forgets the failures of its own pair only:
     * those of other addresses are someone else's, maybe an attacker's. */
    {"session_clear_failures", "DELETE FROM login_failure WHERE login = $1 AND addr = $2", 2},
    {"session_create",
     "INSERT INTO session (token_hash, user_id, csrf_token) VALUES ($1, $2, $3)", 3},
    {"session_end",
     "UPDATE session SET ended_at = now() WHERE token_hash = $1 AND ended_at IS NULL", 1},
    /* Ends the sessions of user $1 (new password, changed rights), except
     * $2, the session making the change (NULL: none kept). */
    {"session_end_user",
     "UPDATE session SET ended_at = now() WHERE user_id = $1 AND ended_at IS NULL"
     "   AND token_hash IS DISTINCT FROM $2",
     2},
    /* The signed-in user as the API shows it; $1 user id. */
    {"session_user",
     "SELECT json_build_object('id', u.id, 'login', u.login, 'display_name', u.display_name,"
     "  'role', u.role, 'department', CASE WHEN d.id IS NULL THEN NULL"
     "    ELSE json_build_object('id', d.id, 'name', d.name) END)::text"
     " FROM app_user u LEFT JOIN department d ON d.id = u.department_id WHERE u.id = $1",
     1},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_session_find(struct db *db, const char *token_hash, int idle_minutes, int max_hours,
                struct db_session_user *out)
{
	char idle[24], max[24];
	const char *p[3] = {token_hash, dbi_int(idle, idle_minutes), dbi_int(max, max_hours)};
	PGresult *r;
	enum db_rc rc;

	memset(out, 0, sizeof *out);
	if (db_ensure(db) != 0)
		return DB_AWAY;
	/* Repeatable (its one write is last_seen_at): the first request after a
	 * database restart would otherwise fail on the broken connection. */
	if ((rc = dbi_rows_repeatable(db, "auth_session", 3, p, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 1) {
		out->id = atoi(PQgetvalue(r, 0, 0));
		snprintf(out->login, sizeof out->login, "%s", PQgetvalue(r, 0, 1));
		snprintf(out->role, sizeof out->role, "%s", PQgetvalue(r, 0, 2));
		out->department_id = atoi(PQgetvalue(r, 0, 3));
		snprintf(out->csrf, sizeof out->csrf, "%s", PQgetvalue(r, 0, 4));
	} else {
		rc = DB_MISSING;
	}
	PQclear(r);
	return rc;
}

struct attempt {
	const char *login, *addr;
	const struct db_throttle_policy *p;
	struct db_throttle *out;
};

/* Locks, counts, and reserves when nothing refuses. DB_OK either way
 * (out->attempt says which), or the failure of a statement. */
static enum db_rc
attempt_tx(struct db *db, void *arg)
{
	struct attempt *a = arg;
	char mins[24], pair[24], addr[24], delay[24];
	const char *p[6] = {a->login,
	                    a->addr,
	                    dbi_int(mins, a->p->window_minutes),
	                    dbi_int(pair, a->p->pair_max),
	                    dbi_int(addr, a->p->addr_max),
	                    dbi_int(delay, a->p->delay_max_seconds)};
	struct db_throttle *t = a->out;
	PGresult *r;
	enum db_rc rc;

	if ((rc = dbi_do(db, "session_lock_login", 1, &a->login)) != DB_OK ||
	    (rc = dbi_do(db, "session_lock_addr", 1, &a->addr)) != DB_OK ||
	    (rc = dbi_rows(db, "session_throttle", 6, p, &r)) != DB_OK)
		return rc;
	t->pair_failures = atol(PQgetvalue(r, 0, 0));
	t->addr_failures = atol(PQgetvalue(r, 0, 1));
	t->login_failures = atol(PQgetvalue(r, 0, 2));
	t->pair_wait = atol(PQgetvalue(r, 0, 3));
	t->addr_wait = atol(PQgetvalue(r, 0, 4));
	t->delay_wait = atol(PQgetvalue(r, 0, 5));
	PQclear(r);
	/* The counts decide the limits (a wait rounds up, so it is at least 1
	 * while they hold); the delay is only a time. */
	if (t->pair_failures >= a->p->pair_max || t->addr_failures >= a->p->addr_max ||
	    t->delay_wait > 0)
		return DB_OK;
	if ((rc = dbi_rows(db, "session_fail", 2, p, &r)) != DB_OK)
		return rc;
	t->attempt = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return DB_OK;
}

enum db_rc
db_session_attempt(struct db *db, const char *login, const char *addr,
                   const struct db_throttle_policy *policy, struct db_throttle *out)
{
	struct attempt a = {login, addr, policy, out};
	enum db_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = dbi_tx(db, 0, "api", false, attempt_tx, &a)) != DB_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

enum db_rc
db_session_credentials(struct db *db, const char *login, int *id, char hash[128], bool *active)
{
	PGresult *r;
	enum db_rc rc;

	*id = 0, hash[0] = '\0', *active = false;
	if (db_ensure(db) != 0)
		return DB_AWAY;
	if ((rc = dbi_rows(db, "session_login", 1, &login, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) == 1 && (size_t)PQgetlength(r, 0, 1) < 128) {
		*id = atoi(PQgetvalue(r, 0, 0));
		memcpy(hash, PQgetvalue(r, 0, 1), (size_t)PQgetlength(r, 0, 1) + 1);
		*active = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
	} else {
		rc = DB_MISSING;
	}
	PQclear(r);
	return rc;
}

struct session_start {
	const char *create[3];
	const char *pair[2];
};

static enum db_rc
session_start_tx(struct db *db, void *arg)
{
	struct session_start *s = arg;
	enum db_rc rc = dbi_do(db, "session_create", 3, s->create);

	return rc == DB_OK ? dbi_do(db, "session_clear_failures", 2, s->pair) : rc;
}

enum db_rc
db_session_start(struct db *db, int user, const char *login, const char *addr,
                 const char *token_hash, const char *csrf)
{
	char uid[24];
	struct session_start s = {{token_hash, dbi_int(uid, user), csrf}, {login, addr}};

	return dbi_tx(db, user, "api", false, session_start_tx, &s);
}

enum db_rc
db_session_end(struct db *db, const char *token_hash)
{
	return dbi_do(db, "session_end", 1, &token_hash);
}

enum db_rc
db_session_user_json(struct db *db, int user, char **json)
{
	char uid[24];
	const char *p[1] = {dbi_int(uid, user)};

	return dbi_json(db, "session_user", 1, p, json);
}
