/* Creating a user from the command line. The same validators as the API
 * check every argument before the database is touched. */
#include "useradd.h"

#include <stdio.h>
#include <string.h>

#include "account.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "text.h"
#include "valid.h"

/* The roles of the database's app_user.role, and whether each belongs to
 * a department. */
static const struct {
	const char *name;
	bool needs_department;
} roles[] = {{"viewer", false}, {"staff", true}, {"manager", true}, {"admin", false}};

static int
useradd_validate(const struct useradd *u, const char *password)
{
	union http_qval q;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(u->role, roles[i].name) == 0)
			break;
	if ((why = valid_login(u->login, &q)) != NULL)
		log_error("user add: login: %s", why);
	else if (i == sizeof roles / sizeof roles[0])
		log_error("user add: role: must be viewer, staff, manager or admin");
	else if (roles[i].needs_department && u->department == NULL)
		log_error("user add: department: required for the role %s", u->role);
	else if (!valid_utf8_text(u->display_name, strlen(u->display_name), false) ||
	         utf8_length(u->display_name) == 0 || utf8_length(u->display_name) > 100)
		log_error("user add: display name: 1 to 100 characters on one line");
	else if (!valid_utf8_text(password, strlen(password), false) ||
	         (why = valid_password(password, &q)) != NULL)
		log_error("user add: password: %s", why ? why : "one line of valid UTF-8");
	else
		return 0;
	return -1;
}

/* Returns 0 when the user was created or, with if_missing, exists; -1
 * (logged) when an argument is invalid, the password cannot be hashed,
 * the login exists without if_missing, the department is unknown or the
 * database refused. The password is wiped on every path. */
int
useradd_run(struct db *db, const struct useradd *u, char *password)
{
	struct db_account_new a = {u->login, u->display_name, u->role, u->department, NULL};
	char hash[CRYPTO_HASH_MAX];
	bool created;
	enum db_rc rc;
	int ok;

	ok = useradd_validate(u, password) == 0;
	if (ok && (crypto_setup() != 0 || crypto_password_hash(password, hash) != 0)) {
		log_error("user add: the password could not be hashed");
		ok = 0;
	}
	crypto_wipe(password, strlen(password));
	if (!ok)
		return -1;
	a.password_hash = hash;
	rc = db_account_create(db, &a, &created);
	crypto_wipe(hash, sizeof hash);
	if (rc == DB_MISSING) {
		log_error("user add: no department named %s", u->department);
	} else if (rc == DB_REFUSED) {
		log_error("user add: refused by the database: %s", db_last_fault(db)->message);
	} else if (rc != DB_OK) {
		log_error("user add: the database failed; nothing was written");
	} else if (!created && !u->if_missing) {
		log_error("user add: the login %s exists already", u->login);
		return -1;
	} else {
		log_info("user add: %s %s (%s)", created ? "created" : "kept the existing user",
		         u->login, u->role);
		return 0;
	}
	return -1;
}
