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

/* Every statement the server prepares, by resource (NULL-terminated). */
extern const struct db_stmt *const app_statements[];

extern const struct db_stmt db_plan_stmts[];
extern const struct db_stmt db_activity_stmts[];
extern const struct db_stmt db_indicator_stmts[];
extern const struct db_stmt db_report_stmts[];

void h_health(struct http_request *req, struct db *db, struct http_response *res);
void h_plans_list(struct http_request *req, struct db *db, struct http_response *res);
void h_plans_get(struct http_request *req, struct db *db, struct http_response *res);
void h_departments_list(struct http_request *req, struct db *db, struct http_response *res);
void h_activities_list(struct http_request *req, struct db *db, struct http_response *res);
void h_activities_get(struct http_request *req, struct db *db, struct http_response *res);
void h_indicators_list(struct http_request *req, struct db *db, struct http_response *res);
void h_milestones_list(struct http_request *req, struct db *db, struct http_response *res);
void h_reports_summary(struct http_request *req, struct db *db, struct http_response *res);

/* Shared by the handlers: */

/* Formats an optional integer parameter for libpq; NULL when absent. */
const char *h_param_int(char buf[24], bool present, int64_t v);

/* Runs a statement whose single cell is the JSON answer and sets it as the
 * body: 503 when the database is away, 500 on a query error, and 404 with
 * the message "no <what> with id <id>" when there is no row. */
void h_json_query(struct db *db, const char *stmt, int n, const char *const *params,
                  struct http_response *res, const char *what, long long id);

#endif
