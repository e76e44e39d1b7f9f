/* Session tokens are 32 random bytes shown to the browser once, in the
 * cookie; the database keeps only their SHA-256, so a leaked table does
 * not sign anyone in. The CSRF token is a second random value the page
 * reads from GET /api/session and echoes in X-CSRF-Token: a cross-site form
 * cannot read it, and SameSite=Strict already keeps the cookie home. */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "db.h"
#include "handlers.h"

static struct {
	int idle_minutes, max_hours, cookie_secure;
	int login_max_failures, addr_max_failures, lock_minutes;
} policy = {60, 12, 0, 5, 50, 15};

static const char *const role_names[] = {"viewer", "staff", "manager", "admin"};

void
auth_configure(const struct config *cfg)
{
	policy.idle_minutes = cfg->session_idle_minutes;
	policy.max_hours = cfg->session_max_hours;
	policy.cookie_secure = cfg->cookie_secure;
	policy.login_max_failures = cfg->login_max_failures;
	policy.addr_max_failures = cfg->addr_max_failures;
	policy.lock_minutes = cfg->login_lock_minutes;
}

int
auth_idle_minutes(void)
{
	return policy.idle_minutes;
}
int
auth_max_hours(void)
{
	return policy.max_hours;
}
int
auth_lock_minutes(void)
{
	return policy.lock_minutes;
}
int
auth_login_max_failures(void)
{
	return policy.login_max_failures;
}
int
auth_addr_max_failures(void)
{
	return policy.addr_max_failures;
}

int
auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
auth_password_hash(const char *password, char out[AUTH_HASH_MAX])
{
	/* crypto_pwhash_str is argon2id in libsodium >= 1.0.15. */
	return crypto_pwhash_str(out, password, strlen(password),
	                         crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                         crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

bool
auth_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void
auth_password_burn(const char *password)
{
	static char dummy[crypto_pwhash_STRBYTES];

	if (dummy[0] == '\0' && auth_password_hash("not a password", dummy) != 0)
		return;
	(void)auth_password_verify(dummy, password);
}

void
auth_token_new(char out[AUTH_TOKEN_HEX])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, AUTH_TOKEN_HEX, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

void
auth_token_hash(const char *token, char out[AUTH_TOKEN_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, AUTH_TOKEN_HEX, h, sizeof h);
}

static bool
is_token(const char *s, size_t n)
{
	return n == AUTH_TOKEN_HEX - 1 && strspn(s, "0123456789abcdef") >= n;
}

bool
auth_cookie_sid(const char *cookie, char out[AUTH_TOKEN_HEX])
{
	const char *p = cookie;
	size_t n;

	/* "a=1; sid=abc; b=2": the first well-formed sid wins. */
	while (p != NULL && *p != '\0') {
		p += strspn(p, " ;");
		n = strcspn(p, ";");
		if (strncmp(p, "sid=", 4) == 0 && is_token(p + 4, n - 4)) {
			memcpy(out, p + 4, AUTH_TOKEN_HEX - 1);
			out[AUTH_TOKEN_HEX - 1] = '\0';
			return true;
		}
		p += n;
	}
	return false;
}

void
auth_set_cookie(struct http_response *res, const char *token)
{
	char v[256];

	/* No Max-Age: a browser session cookie; the server enforces expiry. */
	snprintf(v, sizeof v, "sid=%s; Path=/; HttpOnly; SameSite=Strict%s", token,
	         policy.cookie_secure ? "; Secure" : "");
	http_add_header(res, "Set-Cookie", v);
}

void
auth_clear_cookie(struct http_response *res)
{
	char v[160];

	snprintf(v, sizeof v, "sid=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
	         policy.cookie_secure ? "; Secure" : "");
	http_add_header(res, "Set-Cookie", v);
}

const char *
auth_role_name(enum role r)
{
	return role_names[r];
}

bool
auth_role_parse(const char *name, enum role *out)
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

	if (!auth_role_parse(raw, &r))
		return "must be viewer, staff, manager or admin";
	out->s = raw;
	return NULL;
}

static int
auth_lookup(struct db *db, const char *token_hash, struct auth_user *u)
{
	char idle[16], max[16];
	const char *p[3] = {token_hash, idle, max};
	PGresult *r;
	int rc;

	snprintf(idle, sizeof idle, "%d", policy.idle_minutes);
	snprintf(max, sizeof max, "%d", policy.max_hours);
	if (db_ensure(db, app_statements) != 0 || (r = db_exec(db, "auth_session", 3, p)) == NULL)
		return -2;
	rc = -1;
	if (db_ok(r) && PQntuples(r) == 1) {
		u->id = atoi(PQgetvalue(r, 0, 0));
		snprintf(u->login, sizeof u->login, "%s", PQgetvalue(r, 0, 1));
		auth_role_parse(PQgetvalue(r, 0, 2), &u->role);
		u->department_id = atoi(PQgetvalue(r, 0, 3));
		snprintf(u->csrf, sizeof u->csrf, "%s", PQgetvalue(r, 0, 4));
		snprintf(u->token_hash, sizeof u->token_hash, "%s", token_hash);
		rc = 0;
	}
	PQclear(r);
	return rc;
}

int
auth_require(struct http_request *req, struct db *db, unsigned flags, enum role min_role,
             struct auth_user *u, struct http_response *res)
{
	char token[AUTH_TOKEN_HEX], hash[AUTH_TOKEN_HEX];
	int rc;

	memset(u, 0, sizeof *u);
	if (req->cookie == NULL || !auth_cookie_sid(req->cookie, token)) {
		http_error(res, 401, "unauthenticated", NULL, "sign in first");
		return -1;
	}
	auth_token_hash(token, hash);
	if ((rc = auth_lookup(db, hash, u)) == -2) {
		http_error_db(res);
		return -1;
	}
	if (rc != 0) {
		auth_clear_cookie(res);
		http_error(res, 401, "unauthenticated", NULL,
		           "the session has ended or expired; sign in again");
		return -1;
	}
	if ((flags & AUTH_CSRF) &&
	    (req->csrf_token == NULL || strlen(req->csrf_token) != AUTH_TOKEN_HEX - 1 ||
	     sodium_memcmp(req->csrf_token, u->csrf, AUTH_TOKEN_HEX - 1) != 0)) {
		http_error(res, 403, "csrf", "X-CSRF-Token",
		           "X-CSRF-Token is missing or does not match the session");
		return -1;
	}
	if (u->role < min_role) {
		http_error(res, 403, "forbidden", NULL, "this needs the role %s",
		           auth_role_name(min_role));
		return -1;
	}
	return 0;
}
