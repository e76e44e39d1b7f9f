/* Accounts created from the command line (`shinchoku user add`): the first
 * admin of an installation and the demo users of scripts/dev. */
#ifndef SHINCHOKU_DB_ACCOUNT_H
#define SHINCHOKU_DB_ACCOUNT_H

#include <stdbool.h>

#include "db.h"

struct db_account_new {
	const char *login, *display_name, *role;
	const char *department; /* its name; NULL: none */
	const char *password_hash;
};

/* Creates the user in one transaction (channel "cli", no acting user), so
 * the audit log records it. Returns:
 *   DB_OK      *created true; or false when the login exists already and
 *              nothing was written;
 *   DB_MISSING no department has that name; nothing written;
 *   DB_REFUSED a rule of the database said no (db_last_fault); DB_AWAY;
 *   DB_BUG     (logged). Nothing is written but on DB_OK with *created. */
enum db_rc db_account_create(struct db *db, const struct db_account_new *a, bool *created);

#endif
