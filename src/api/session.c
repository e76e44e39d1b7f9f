/* Who is asking: the session policy, the sid cookie and the door's check.
 * The CSRF token is a second random value the page reads from GET
 * /api/session and echoes in X-CSRF-Token: a cross-site form cannot read
 * it, and SameSite=Strict already keeps the cookie home. */
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "config.h"
#include "crypto.h"
#include "session.h"

static struct {
	int idle_minutes, max_hours, cookie_secure;
	int login_max_failures, addr_max_failures, lock_minutes;
} policy = {60, 12, 0, 5, 50, 15};

/* In enum role's order. */
static const char *const role_names[] = {"viewer", "staff", "manager", "admin"};

void
api_configure(const struct config *cfg)
{
	policy.idle_minutes = cfg->session_idle_minutes;
	policy.max_hours = cfg->session_max_hours;
	policy.cookie_secure = cfg->cookie_secure;
	policy.login_max_failures = cfg->login_max_failures;
	policy.addr_max_failures = cfg->addr_max_failures;
	policy.lock_minutes = cfg->login_lock_minutes;
}

int
api_idle_minutes(void)
{
	return policy.idle_minutes;
}
int
api_lock_minutes(void)
{
	return policy.lock_minutes;
}
int
api_login_max_failures(void)
{
	return policy.login_max_failures;
}
int
api_addr_max_failures(void)
{
	return policy.addr_max_failures;
}

void
api_set_cookie(struct http_response *res, const char *token)
{
	char v[256];

	/* No Max-Age: a browser session cookie; the server enforces expiry. */
	snprintf(v, sizeof v, "sid=%s; Path=/; HttpOnly; SameSite=Strict%s", token,
	         policy.cookie_secure ? "; Secure" : "");
	http_set_header(res, "Set-Cookie", v);
}

void
api_clear_cookie(struct http_response *res)
{
	char v[160];

	snprintf(v, sizeof v, "sid=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	         policy.cookie_secure ? "; Secure" : "");
	http_set_header(res, "Set-Cookie", v);
}

const char *
api_role_name(enum role r)
{
	return role_names[r];
}

bool
api_role_parse(const char *name, enum role *out)
{
	size_t i;

	for (i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
		if (strcmp(role_names[i], name) == 0) {
			*out = (enum role)i;
			return true;
		}
	return false;
}

const char *
valid_role(const char *raw, union http_qval *out)
{
	enum role r;

	if (!api_role_parse(raw, &r))
		return "must be viewer, staff, manager or admin";
	out->s = raw;
	return NULL;
}

int
api_authorize(struct api_req *rq, struct db *db, bool csrf, enum role min,
              struct http_response *res)
{
	struct db_session_user s;
	struct auth_user *u = &rq->user;
	enum db_rc rc;

	memset(u, 0, sizeof *u);
	if (rq->sid[0] == '\0') {
		http_error(res, 401, "unauthenticated", NULL, "sign in first");
		return -1;
	}
	crypto_token_hash(rq->sid, u->token_hash);
	rc = db_session_find(db, u->token_hash, policy.idle_minutes, policy.max_hours, &s);
	if (rc == DB_MISSING || (rc == DB_OK && !api_role_parse(s.role, &u->role))) {
		api_clear_cookie(res);
		http_error(res, 401, "unauthenticated", NULL,
		           "the session has ended or expired; sign in again");
		return -1;
	}
	if (rc != DB_OK) {
		api_db_error(res, db, rc, NULL);
		return -1;
	}
	u->id = s.id;
	u->department_id = s.department_id;
	snprintf(u->login, sizeof u->login, "%s", s.login);
	snprintf(u->csrf, sizeof u->csrf, "%s", s.csrf);
	if (csrf && !crypto_token_equal(rq->http->csrf_token, u->csrf)) {
		http_error(res, 403, "csrf", "X-CSRF-Token",
		           "X-CSRF-Token is missing or does not match the session");
		return -1;
	}
	if (u->role < min) {
		http_error(res, 403, "forbidden", NULL, "this needs the role %s",
		           api_role_name(min));
		return -1;
	}
	return 0;
}
