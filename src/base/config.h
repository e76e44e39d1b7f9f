/* Settings: read from a "key = value" file, then overridden by --key=value
 * on the command line. One struct, filled once, read everywhere. */
#ifndef SHINCHOKU_CONFIG_H
#define SHINCHOKU_CONFIG_H

#include <stddef.h>

struct config {
	char listen[256];         /* unix:/path/to.sock or 127.0.0.1:9000 */
	unsigned socket_mode;     /* octal permission bits of a unix socket */
	char socket_group[64];    /* group given the unix socket (nginx's), "" = keep */
	int workers;              /* 0 = one per core */
	long max_requests;        /* recycle a worker after this many; 0 = never */
	int grace_seconds;        /* SIGTERM -> SIGKILL delay for workers */
	char db[1024];            /* libpq conninfo of the workers (role shinchoku_app) */
	char db_admin[1024];      /* conninfo of migrate/import (the owning role) */
	char sql_dir[512];        /* where migrations live */
	size_t body_limit;        /* largest request body accepted, bytes */
	char pid_file[512];       /* master pid, "" = none */
	int session_idle_minutes; /* a session unused this long ends */
	int session_max_hours;    /* and any session ends this long after sign-in */
	int cookie_secure;        /* 1: the sid cookie is Secure (HTTPS in front) */
	int login_max_failures;   /* failed sign-ins per login before 429 */
	int addr_max_failures;    /* failed sign-ins per client address before 429 */
	int login_lock_minutes;   /* the window those failures are counted in */
	/* The workers' time limits (PostgreSQL's statement_timeout, lock_timeout,
	 * idle_in_transaction_session_timeout), in ms; 0 = none. A transaction
	 * of a worker that outlasts the statement limit is rolled back. */
	int db_statement_timeout_ms;
	int db_lock_timeout_ms;
	int db_idle_tx_timeout_ms;
	/* Each worker's cache of answers that are the same for everyone
	 * (api/conditional.c), in KiB; 0 = off. */
	int response_cache_kb;
	/* 1: a worker trusts LISTEN/NOTIFY for the data version and reads it
	 * only after its own writes; 0: it also reads it before each GET. */
	int cache_trust_notify;
};

/* Fills defaults. */
void config_defaults(struct config *c);

/* Applies one "key = value" setting; returns 0, or -1 with a message in err. */
int config_set(struct config *c, const char *key, const char *value, char *err, size_t errlen);

/* Reads a file of settings: '#' comments, blank lines, key = value (value may
 * be double-quoted). Returns 0, or -1 with "file:line: message" in err. */
int config_load_file(struct config *c, const char *path, char *err, size_t errlen);

/* Parses a text buffer the same way; name is used in messages. */
int config_load_text(struct config *c, const char *text, const char *name, char *err,
                     size_t errlen);

#endif
