/* `shinchoku user add`: the first admin of a new installation (and the
 * demo accounts of scripts/dev), created through the owning role. */
#ifndef SHINCHOKU_USERADD_H
#define SHINCHOKU_USERADD_H

#include <stdbool.h>

struct db;

struct useradd {
	const char *login, *role, *department, *display_name; /* department NULL: none */
	bool if_missing; /* an existing login is not an error */
};

/* Validates u and the password, hashes the password and wipes it (its
 * bytes up to the NUL are zero on return, whatever the outcome), then
 * creates the user in one audited transaction (channel "cli"). Returns 0
 * (created, or kept with if_missing), or -1 after logging why. */
int useradd_run(struct db *db, const struct useradd *u, char *password);

#endif
