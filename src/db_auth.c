/* SQL of sessions and sign-in. */
#include "handlers.h"

/* clang-format off */
const struct db_stmt db_auth_stmts[] = {
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
     "  ceil(extract(epoch FROM (SELECT min(at) FROM l) + make_interval(mins => $3::int) - now())),"
     "  ceil(extract(epoch FROM (SELECT min(at) FROM a) + make_interval(mins => $3::int) - now()))",
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
