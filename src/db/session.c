/* SQL of sessions and sign-in. */
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* clang-format off */
const struct db_stmt db_session_stmts[] = {
    /* A live session's user, touching last_seen_at. $1 token hash, $2 idle
     * minutes, $3 absolute hours. A deactivated user's sessions are dead. */
    {"auth_session",
     "UPDATE session s SET last_seen_at = now() FROM app_user u"
     " WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.id = s.user_id AND u.active"
     "   AND s.last_seen_at > now() - make_interval(mins => $2::int)"
     "   AND s.created_at > now() - make_interval(hours => $3::int)"
     " RETURNING u.id, u.login, u.role, coalesce(u.department_id, 0), s.csrf_token",
     3},
    {"session_login",
     "SELECT id, password_hash, active FROM app_user WHERE login = $1", 1},
    /* Failures in the window for $1 login and $2 address ($3 minutes), and
     * the seconds until the oldest of each leaves it. */
    {"session_throttle",
     "WITH l AS (SELECT at FROM login_failure"
     "           WHERE login = $1 AND at > now() - make_interval(mins => $3::int)),"
     "     a AS (SELECT at FROM login_failure"
     "           WHERE addr = $2 AND at > now() - make_interval(mins => $3::int))"
     " SELECT (SELECT count(*) FROM l), (SELECT count(*) FROM a),"
     "  coalesce(ceil(extract(epoch FROM (SELECT min(at) FROM l) + make_interval(mins => $3::int) - now())), 0),"
     "  coalesce(ceil(extract(epoch FROM (SELECT min(at) FROM a) + make_interval(mins => $3::int) - now())), 0)",
     3},
    {"session_fail", "INSERT INTO login_failure (login, addr) VALUES ($1, $2)", 2},
    {"session_clear_failures", "DELETE FROM login_failure WHERE login = $1", 1},
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
	/* Repeatable (it only touches last_seen_at): the first request after a
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

enum db_rc
db_session_throttle(struct db *db, const char *login, const char *addr, int window_minutes,
                    struct db_throttle *out)
{
	char mins[24];
	const char *p[3] = {login, addr, dbi_int(mins, window_minutes)};
	PGresult *r;
	enum db_rc rc;

	memset(out, 0, sizeof *out);
	if (db_ensure(db) != 0)
		return DB_AWAY;
	if ((rc = dbi_rows(db, "session_throttle", 3, p, &r)) != DB_OK)
		return rc;
	out->login_failures = atol(PQgetvalue(r, 0, 0));
	out->addr_failures = atol(PQgetvalue(r, 0, 1));
	out->login_wait = atol(PQgetvalue(r, 0, 2));
	out->addr_wait = atol(PQgetvalue(r, 0, 3));
	PQclear(r);
	return DB_OK;
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

enum db_rc
db_session_failed(struct db *db, const char *login, const char *addr)
{
	const char *p[2] = {login, addr};

	return dbi_do(db, "session_fail", 2, p);
}

struct session_start {
	const char *create[3];
	const char *login;
};

static enum db_rc
session_start_tx(struct db *db, void *arg)
{
	struct session_start *s = arg;
	enum db_rc rc = dbi_do(db, "session_create", 3, s->create);

	return rc == DB_OK ? dbi_do(db, "session_clear_failures", 1, &s->login) : rc;
}

enum db_rc
db_session_start(struct db *db, int user, const char *login, const char *token_hash,
                 const char *csrf)
{
	char uid[24];
	struct session_start s = {{token_hash, dbi_int(uid, user), csrf}, login};

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
