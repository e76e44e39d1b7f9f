/* Status-change requests: staff propose, a manager of the activity's
 * department (or an admin) decides, and only an approval moves the status,
 * in the same transaction as the decision. */
#ifndef SHINCHOKU_DB_STATUS_H
#define SHINCHOKU_DB_STATUS_H

#include <stdint.h>

#include "db.h"

/* Room for a request's state (pending, approved, rejected, withdrawn). */
#define DB_REQUEST_STATE_MAX 16

/* user proposes to move the activity-year to status (a key of the scale)
 * for reason. Returns
 *   DB_OK       *json the new request (pending);
 *   DB_MISSING  the activity has no record for that year;
 *   DB_DENIED   user may not propose for this activity;
 *   DB_STALE    user's rights changed while the refusal was looked into;
 *   DB_REFUSED  a rule said no: a locked year (SHLCK), a request already
 *               pending (23505 status_request_one_pending), status is the
 *               current one (23514 status_request_changes), a reason is
 *               required (23514 status_request_reason);
 *   DB_AWAY, DB_BUG. */
enum db_rc db_status_request_create(struct db *db, int user, int64_t activity, int64_t fiscal_year,
                                    const char *status, const char *reason, char **json);

/* The requester withdraws pending request id. Returns
 *   DB_OK       *json the request as it is now;
 *   DB_MISSING  no such request;
 *   DB_DENIED   user is not its requester;
 *   DB_STALE    it is not pending: state is what it is;
 *   DB_REFUSED, DB_AWAY, DB_BUG. */
enum db_rc db_status_request_withdraw(struct db *db, int user, int64_t id, char **json,
                                      char state[DB_REQUEST_STATE_MAX]);

/* user decides pending request id: decision "approved" (the status and its
 * reason reach the record in the same transaction) or "rejected", with
 * comment. Returns
 *   DB_OK       *json the request as decided;
 *   DB_MISSING  no such request;
 *   DB_DENIED   it is user's own, or user is no manager of the activity's
 *               department nor an admin;
 *   DB_STALE    it is not pending: state is what it is;
 *   DB_REFUSED  a rule said no (a locked year: SHLCK);
 *   DB_AWAY, DB_BUG. */
enum db_rc db_status_request_decide(struct db *db, int user, int64_t id, const char *decision,
                                    const char *comment, char **json,
                                    char state[DB_REQUEST_STATE_MAX]);

/* The inbox as user sees it: admins every request, managers their
 * departments', everyone their own; state NULL for all. {"items": [...]}. */
enum db_rc db_status_request_list(struct db *db, int user, const char *state, char **json);

/* Every request of activity id, whatever its state, newest first, as
 * user sees them (can_decide is user's): {"activity_id", "items": [...]}.
 * DB_MISSING when there is no such activity. */
enum db_rc db_status_request_of_activity(struct db *db, int user, int64_t activity_id, char **json);

#endif
