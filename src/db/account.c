/* The SQL of `shinchoku user add`. */
#include "account.h"

#include <stdio.h>
#include <string.h>

#include "db_int.h"

/* clang-format off */
const struct db_stmt db_account_stmts[] = {
    {"account_exists", "SELECT 1 FROM app_user WHERE login = $1", 1},
    {"account_department", "SELECT id FROM department WHERE name = $1", 1},
    {"account_insert",
     "INSERT INTO app_user (login, display_name, role, department_id, password_hash)"
     " VALUES ($1, $2, $3, $4, $5)",
     5},
    {NULL, NULL, 0},
};
/* clang-format on */

struct account_create {
	const struct db_account_new *a;
	bool *created;
};

/* Inside the transaction: DB_OK (created, or the login exists: nothing
 * done), DB_MISSING (no such department), or the failure of a statement. */
static enum db_rc
account_create_tx(struct db *db, void *arg)
{
	const struct account_create *c = arg;
	const struct db_account_new *a = c->a;
	const char *p[5] = {a->login, a->display_name, a->role, NULL, a->password_hash};
	char dept[24];
	PGresult *r;
	enum db_rc rc;
	bool found;

	if ((rc = dbi_rows(db, "account_exists", 1, &a->login, &r)) != DB_OK)
		return rc;
	found = PQntuples(r) == 1;
	PQclear(r);
	if (found)
		return DB_OK;
	if (a->department != NULL) {
		if ((rc = dbi_rows(db, "account_department", 1, &a->department, &r)) != DB_OK)
			return rc;
		found = PQntuples(r) == 1;
		if (found)
			snprintf(dept, sizeof dept, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		if (!found)
			return DB_MISSING;
		p[3] = dept;
	}
	if ((rc = dbi_do(db, "account_insert", 5, p)) == DB_OK)
		*c->created = true;
	return rc;
}

/* What dbi_tx returns for account_create_tx (see account.h); *created is
 * true only when the insert was committed. */
enum db_rc
db_account_create(struct db *db, const struct db_account_new *a, bool *created)
{
	struct account_create c = {a, created};
	enum db_rc rc;

	*created = false;
	if ((rc = dbi_tx(db, 0, "cli", false, account_create_tx, &c)) != DB_OK)
		*created = false;
	return rc;
}
