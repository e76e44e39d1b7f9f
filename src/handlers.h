/* Request handlers: pure functions of (request, database) to a response,
 * registered in routes.c. Each validates its own inputs at the door. */
#ifndef SHINCHOKU_HANDLERS_H
#define SHINCHOKU_HANDLERS_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "http.h"

/* The departments of an activity as a JSON array, in the order of the
 * 所管課 cell; a SQL fragment for the db_*.c files. */
#define DEPARTMENTS_JSON(activity_id)                                                              \
	"(SELECT coalesce(json_agg(json_build_object('id', d.id, 'name', d.name) "                 \
	"ORDER BY ad.position), '[]') FROM activity_department ad "                                \
	"JOIN department d ON d.id = ad.department_id WHERE ad.activity_id = " activity_id ")"

/* Is the acting user (app.user_id) an active admin? For statements whose
 * table has no department to scope by (fiscal years, rounds). */
#define SQL_ACTING_ADMIN                                                                           \
	"EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user()"                         \
	" AND u.role = 'admin' AND u.active)"

/* Every statement the server prepares, by resource (NULL-terminated). */
extern const struct db_stmt *const app_statements[];

extern const struct db_stmt db_plan_stmts[];
extern const struct db_stmt db_activity_stmts[];
extern const struct db_stmt db_indicator_stmts[];
extern const struct db_stmt db_report_stmts[];
extern const struct db_stmt db_auth_stmts[];
extern const struct db_stmt db_edit_stmts[];
extern const struct db_stmt db_status_stmts[];
extern const struct db_stmt db_user_stmts[];
extern const struct db_stmt db_audit_stmts[];
extern const struct db_stmt db_export_stmts[];
extern const struct db_stmt db_import_stmts[];
extern const struct db_stmt db_fiscal_stmts[];
extern const struct db_stmt db_round_stmts[];

void h_health(struct http_request *req, struct db *db, struct http_response *res);
void h_plans_list(struct http_request *req, struct db *db, struct http_response *res);
void h_plans_get(struct http_request *req, struct db *db, struct http_response *res);
void h_departments_list(struct http_request *req, struct db *db, struct http_response *res);
void h_activities_list(struct http_request *req, struct db *db, struct http_response *res);
void h_activities_get(struct http_request *req, struct db *db, struct http_response *res);
void h_indicators_list(struct http_request *req, struct db *db, struct http_response *res);
void h_milestones_list(struct http_request *req, struct db *db, struct http_response *res);
void h_reports_summary(struct http_request *req, struct db *db, struct http_response *res);
void h_reports_appendix(struct http_request *req, struct db *db, struct http_response *res);
void h_fiscal_list(struct http_request *req, struct db *db, struct http_response *res);
void h_fiscal_open(struct http_request *req, struct db *db, struct http_response *res);
void h_fiscal_lock(struct http_request *req, struct db *db, struct http_response *res);
void h_rounds_list(struct http_request *req, struct db *db, struct http_response *res);
void h_rounds_get(struct http_request *req, struct db *db, struct http_response *res);
void h_rounds_open(struct http_request *req, struct db *db, struct http_response *res);
void h_rounds_close(struct http_request *req, struct db *db, struct http_response *res);
void h_rounds_mine(struct http_request *req, struct db *db, struct http_response *res);
void h_reports_differences(struct http_request *req, struct db *db, struct http_response *res);
void h_reports_import(struct http_request *req, struct db *db, struct http_response *res);
void h_reports_csv(struct http_request *req, struct db *db, struct http_response *res);
void h_reports_xlsx(struct http_request *req, struct db *db, struct http_response *res);

/* Sign-in and writes (issue 4). */
void h_session_create(struct http_request *req, struct db *db, struct http_response *res);
void h_session_get(struct http_request *req, struct db *db, struct http_response *res);
void h_session_delete(struct http_request *req, struct db *db, struct http_response *res);
void h_year_patch(struct http_request *req, struct db *db, struct http_response *res);
void h_status_request_create(struct http_request *req, struct db *db, struct http_response *res);
void h_status_request_list(struct http_request *req, struct db *db, struct http_response *res);
void h_status_request_decide(struct http_request *req, struct db *db, struct http_response *res);
void h_status_request_withdraw(struct http_request *req, struct db *db, struct http_response *res);
void h_audit_list(struct http_request *req, struct db *db, struct http_response *res);
void h_users_list(struct http_request *req, struct db *db, struct http_response *res);
void h_users_create(struct http_request *req, struct db *db, struct http_response *res);
void h_users_patch(struct http_request *req, struct db *db, struct http_response *res);
void h_users_password(struct http_request *req, struct db *db, struct http_response *res);

/* Shared by the handlers: */

/* Formats an optional integer parameter for libpq; NULL when absent. */
const char *h_param_int(char buf[24], bool present, int64_t v);

/* Runs a statement whose single cell is the JSON answer and sets it as the
 * body: 503 when the database is away, 500 on a query error, and 404 with
 * the message "no <what> with id <id>" when there is no row. */
void h_json_query(struct db *db, const char *stmt, int n, const char *const *params,
                  struct http_response *res, const char *what, long long id);

/* Write transactions. h_begin starts one acting as u (the audit trigger
 * and the row-level policies read app.user_id); on failure res is a 503.
 * h_tx_exec runs a statement in it and returns the result, or NULL after
 * rolling back with res set from the SQLSTATE (409 duplicate, 403 policy,
 * 400 constraint, 503 connection). h_tx_json sets the single JSON cell of
 * a statement as the body with the given status. h_commit: 0, or -1 with
 * res replaced by the error. */
struct auth_user;
int h_begin(struct db *db, const struct auth_user *u, struct http_response *res);
PGresult *h_tx_exec(struct db *db, const char *stmt, int n, const char *const *params,
                    struct http_response *res);
int h_tx_json(struct db *db, const char *stmt, int n, const char *const *params, int status,
              struct http_response *res);
int h_commit(struct db *db, struct http_response *res);
void h_rollback(struct db *db);

/* Why a conditional write (WHERE version = … AND may-write) matched no
 * row, answered from why's row (may this user write it, its version):
 * no row 404 with missing, not allowed 403 with forbidden, else 409 with
 * the record as get shows it now and its ETag. Rolls the transaction back. */
struct h_refusal {
	const char *why, *get;
	int nkey;
	const char *missing, *forbidden;
};
void h_refused(struct db *db, const struct h_refusal *how, const char *const *key,
               struct http_response *res);

/* If-Match: the version the client read; 428 when absent, 400 when bad. */
bool h_if_match(const struct http_request *req, int64_t *version, struct http_response *res);
/* ETag: "version". */
void h_etag(struct http_response *res, long long version);

#endif
