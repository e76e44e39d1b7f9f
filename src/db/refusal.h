/* What a refusal by the database means to a client: status, code, the
 * request field it is about, and a Japanese message (db/refusal.c). */
#ifndef SHINCHOKU_DB_REFUSAL_H
#define SHINCHOKU_DB_REFUSAL_H

#include <stddef.h>

#include "db.h"

struct db_refusal {
	const char *sqlstate;   /* "23505", or a class "23" */
	const char *constraint; /* NULL: any */
	int status;             /* the HTTP status it is answered with */
	const char *code;       /* the API's stable code */
	const char *field;      /* the request field it is about, or NULL */
	const char *message;    /* NULL: the fault's own (our triggers write Japanese) */
};

/* The row for fault f; never NULL (an unknown fault is a 500 "internal"). */
const struct db_refusal *db_refusal_of(const struct db_fault *f);

/* Every row of the table, in its order (*n of them), for the tests that
 * walk it. */
const struct db_refusal *db_refusal_rows(size_t *n);

/* The message to show for r and f. */
const char *db_refusal_message(const struct db_refusal *r, const struct db_fault *f);

#endif
