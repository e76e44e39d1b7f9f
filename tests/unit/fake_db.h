/* A fake of the db layer's core for handler unit tests: the test links
 * shinchoku_api with fake_db.c and defines the few db_<resource>
 * functions its handler calls, so nothing here talks to PostgreSQL. */
#ifndef FAKE_DB_H
#define FAKE_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "db.h"

/* Who db_session_find says is signed in: role "" means no session. Set by
 * fake_sign_in; the CSRF token is always FAKE_CSRF. */
#define FAKE_SID  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FAKE_CSRF "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

struct fake_db_state {
	char role[16];
	int user_id, department_id;
	enum db_rc session_rc; /* what db_session_find answers (DB_OK by default) */
	struct db_fault fault; /* what db_last_fault reports */
	bool in_transaction;   /* what db_in_transaction reports */
	int session_lookups;   /* how often the door asked */
	int64_t version;       /* what db_version_current answers (0: unknown) */
	int version_reads;     /* how often db_version_refresh was called */
};
extern struct fake_db_state fake_db;

/* A distinct non-NULL handle; the fake never dereferences it. */
struct db *fake_db_handle(void);

/* Resets the fake: nobody signed in, no fault. */
void fake_db_reset(void);
void fake_sign_in(const char *role, int user_id, int department_id);
/* The next DB_REFUSED carries this SQLSTATE and constraint. */
void fake_fault(const char *sqlstate, const char *constraint, const char *message);

/* One request through the door with a one-route table. body may be NULL.
 * With signed, the sid cookie and the CSRF header are sent. res is the
 * caller's to http_response_free. */
void fake_call(const struct api_endpoint *ep, enum http_method method, const char *pattern,
               const char *path, const char *query, const char *body, const char *if_match,
               bool signed_in, struct http_response *res);

/* Asserts res's status, error code and (unless NULL) field, then frees res. */
void fake_expect(struct http_response *res, int status, const char *code, const char *field);

/* fake_call with the body's Content-Type of the caller's choosing (NULL:
 * none). */
void fake_call_typed(const struct api_endpoint *ep, enum http_method method, const char *pattern,
                     const char *path, const char *query, const char *body, const char *type,
                     const char *if_match, bool signed_in, struct http_response *res);

/* A copy of s that outlives the request (NULL stays NULL): what a fake db
 * function keeps of its typed input points into the request's parsed body,
 * which the door frees before the test reads it. */
const char *fake_hold(const char *s);

/* error.code / error.field of res's body ("" when absent); static buffers. */
const char *fake_error_code(const struct http_response *res);
const char *fake_error_field(const struct http_response *res);

#endif
