/* Creating a user from the command line. The same validators as the API
 * check every argument before the database is touched. */
#include "useradd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db.h"
#include "log.h"
#include "valid.h"

static const char sql_exists[] = "SELECT 1 FROM app_user WHERE login = $1";
static const char sql_department[] = "SELECT id FROM department WHERE name = $1";
static const char sql_insert[] =
    "INSERT INTO app_user (login, display_name, role, department_id, password_hash)"
    " VALUES ($1, $2, $3, $4, $5)";

static int
useradd_validate(const struct useradd *u, const char *password)
{
	union http_qval q;
	const char *why;
	enum role role;

	if ((why = valid_login(u->login, &q)) != NULL)
		log_error("user add: login: %s", why);
	else if (!auth_role_parse(u->role, &role))
		log_error("user add: role: must be viewer, staff, manager or admin");
	else if ((role == ROLE_STAFF || role == ROLE_MANAGER) && u->department == NULL)
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

/* The department's id as text into out, or -1 when there is none such. */
static int
useradd_department(struct db *db, const char *name, char out[24])
{
	PGresult *r = db_query(db, sql_department, 1, &name);
	int rc = -1;

	if (db_ok(r) && PQntuples(r) == 1) {
		snprintf(out, 24, "%s", PQgetvalue(r, 0, 0));
		rc = 0;
	} else if (db_ok(r)) {
		log_error("user add: no department named %s", name);
	}
	PQclear(r);
	return rc;
}

/* Inside the transaction: 1 when the login exists already, 0 when created. */
static int
useradd_insert(struct db *db, const struct useradd *u, const char *hash)
{
	char dept[24];
	const char *p[5] = {u->login, u->display_name, u->role, NULL, hash};
	PGresult *r = db_query(db, sql_exists, 1, p);
	bool exists = db_ok(r) && PQntuples(r) == 1;
	int rc = db_ok(r) ? 0 : -1;

	PQclear(r);
	if (rc != 0)
		return -1;
	if (exists) {
		if (u->if_missing)
			return 1;
		log_error("user add: the login %s exists already", u->login);
		return -1;
	}
	if (u->department != NULL) {
		if (useradd_department(db, u->department, dept) != 0)
			return -1;
		p[3] = dept;
	}
	return db_command(db, sql_insert, 5, p);
}

int
useradd_run(struct db *db, const struct useradd *u, const char *password)
{
	char hash[AUTH_HASH_MAX];
	int rc;

	if (useradd_validate(u, password) != 0)
		return -1;
	if (auth_init() != 0 || auth_password_hash(password, hash) != 0) {
		log_error("user add: the password could not be hashed");
		return -1;
	}
	if (db_begin(db, 0, "cli") != 0)
		return -1;
	if ((rc = useradd_insert(db, u, hash)) < 0 || db_command(db, "COMMIT", 0, NULL) != 0) {
		db_command(db, "ROLLBACK", 0, NULL);
		return -1;
	}
	log_info("user add: %s %s (%s)", rc == 1 ? "kept the existing user" : "created", u->login,
	         u->role);
	return 0;
}
