/* Public input on a plan (sql/009): its public comment (the period and
 * what was received), its opinion exchange sessions, and the result table
 * of each: numbered opinion groups with topic, summary, the ward's answer
 * and the outcome, tallied per topic and per outcome by the database.
 *
 * Writes are an admin's, in one transaction each (dbi_tx), audited by the
 * tables' triggers, with optimistic locking on updates and deletions.
 * Every write returns
 *   DB_OK       *json the record as saved (NULL after a deletion),
 *               *version its version;
 *   DB_STALE    the version read is not current: *json and *version the
 *               record as it is now (nothing changed);
 *   DB_MISSING  no such plan, session or opinion;
 *   DB_DENIED   user is no admin;
 *   DB_REFUSED  a rule of the database said no (see db/refusal.c);
 *   DB_AWAY, DB_BUG.
 * *json (the caller frees) is NULL on every other outcome. */
#ifndef SHINCHOKU_DB_PUBLIC_INPUT_H
#define SHINCHOKU_DB_PUBLIC_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

/* The public comment of a plan as a PUT replaces it: NULL texts and
 * negative counts are "not recorded". Dates are YYYY-MM-DD. */
struct db_public_comment {
	const char *starts_on, *ends_on, *notes;
	int64_t submitters, opinions;
};

/* One opinion group. Creating: number 0 is the next free number, count 0
 * is 1, answer NULL is empty. Updating: 0 and NULL leave a field as it
 * is. outcome is a key (reflected, partly, not_reflected) or its label
 * (反映, 一部反映, 反映なし). */
struct db_opinion {
	int64_t number, count;
	const char *topic, *summary, *answer, *outcome;
};

/* An exchange session. Updating: NULL texts, online < 0 and participants
 * < 0 leave a field as it is; creating: they are empty, false, unknown. */
struct db_exchange {
	const char *title, *held_on, *place, *notes;
	int online;
	int64_t participants;
};

/* {"plan", "starts_on", "ends_on", "submitters", "opinions", "notes",
 * "version", "updated_at", "tally"}; DB_MISSING when there is no plan. */
enum db_rc db_pc_get(struct db *db, int64_t plan, char **json, int64_t *version);
enum db_rc db_pc_put(struct db *db, int user, int64_t plan, int64_t version,
                     const struct db_public_comment *pc, char **json, int64_t *version_now);

/* The result table of the plan's public comment (session 0) or of one
 * exchange session (plan 0): {"plan_id", "session_id", "items", "tally"}. */
enum db_rc db_opinion_list(struct db *db, int64_t plan, int64_t session, char **json);
enum db_rc db_opinion_create(struct db *db, int user, int64_t plan, int64_t session,
                             const struct db_opinion *o, char **json, int64_t *version);
/* in_session says which table the opinion must be in: an exchange
 * session's (true) or the public comment's; the other is DB_MISSING. */
enum db_rc db_opinion_update(struct db *db, int user, int64_t id, bool in_session, int64_t version,
                             const struct db_opinion *o, char **json, int64_t *version_now);
enum db_rc db_opinion_delete(struct db *db, int user, int64_t id, bool in_session, int64_t version,
                             char **json, int64_t *version_now);

#define DB_OPINION_COLUMNS 6

/* The result table as the CSV holds it: titles (番号 … 反映状況) and the
 * rows, every text the database's. */
struct db_opinion_table {
	const char *titles[DB_OPINION_COLUMNS];
	size_t nrows;
	const char **cells; /* cells[row * DB_OPINION_COLUMNS + col] */
	void *owner;
};
/* DB_OK with *out filled (db_opinion_table_free it), DB_MISSING when
 * there is no such plan, DB_AWAY, DB_BUG; *out is empty on failure. */
enum db_rc db_opinion_export(struct db *db, int64_t plan, struct db_opinion_table *out);
void db_opinion_table_free(struct db_opinion_table *t);

/* {"plan", "items": [session with its "tally"]}, by date. */
enum db_rc db_exchange_list(struct db *db, int64_t plan, char **json);
enum db_rc db_exchange_get(struct db *db, int64_t id, char **json, int64_t *version);
enum db_rc db_exchange_create(struct db *db, int user, int64_t plan, const struct db_exchange *x,
                              char **json, int64_t *version);
enum db_rc db_exchange_update(struct db *db, int user, int64_t id, int64_t version,
                              const struct db_exchange *x, char **json, int64_t *version_now);
/* Deletes the session with its opinions. */
enum db_rc db_exchange_delete(struct db *db, int user, int64_t id, int64_t version, char **json,
                              int64_t *version_now);

#endif
