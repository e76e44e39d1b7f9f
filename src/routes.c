/* The route table: every URL the API answers, in one place. */
#include "handlers.h"
#include "router.h"

const struct route app_routes[] = {
    {HTTP_GET, "/api/health", h_health},
    {HTTP_GET, "/api/plans", h_plans_list},
    {HTTP_GET, "/api/plans/{id}", h_plans_get},
    {HTTP_GET, "/api/plans/{id}/milestones", h_milestones_list},
    {HTTP_GET, "/api/departments", h_departments_list},
    {HTTP_GET, "/api/activities", h_activities_list},
    {HTTP_GET, "/api/activities/{id}", h_activities_get},
    {HTTP_GET, "/api/indicators", h_indicators_list},
    {HTTP_GET, "/api/reports/{fy}/summary", h_reports_summary},
    {HTTP_GET, "/api/reports/{fy}/appendix", h_reports_appendix},
    {HTTP_GET, "/api/reports/{fy}/progress.csv", h_reports_csv},
    {HTTP_POST, "/api/reports/{fy}/import", h_reports_import},
    {HTTP_GET, "/api/reports/{fy}/differences", h_reports_differences},
    {HTTP_GET, "/api/rounds", h_rounds_list},
    {HTTP_POST, "/api/rounds", h_rounds_open},
    {HTTP_GET, "/api/rounds/{id}", h_rounds_get},
    {HTTP_POST, "/api/rounds/{id}/closure", h_rounds_close},
    {HTTP_GET, "/api/rounds/{id}/my-updates", h_rounds_mine},
    {HTTP_GET, "/api/fiscal-years", h_fiscal_list},
    {HTTP_POST, "/api/fiscal-years", h_fiscal_open},
    {HTTP_PATCH, "/api/fiscal-years/{fy}", h_fiscal_lock},
    {HTTP_GET, "/api/reports/{fy}/progress.xlsx", h_reports_xlsx},
    {HTTP_POST, "/api/session", h_session_create},
    {HTTP_GET, "/api/session", h_session_get},
    {HTTP_DELETE, "/api/session", h_session_delete},
    {HTTP_PATCH, "/api/activities/{id}/years/{fy}", h_year_patch},
    {HTTP_POST, "/api/activities/{id}/years/{fy}/status-requests", h_status_request_create},
    {HTTP_GET, "/api/status-requests", h_status_request_list},
    {HTTP_POST, "/api/status-requests/{id}/decision", h_status_request_decide},
    {HTTP_POST, "/api/status-requests/{id}/withdrawal", h_status_request_withdraw},
    {HTTP_GET, "/api/audit", h_audit_list},
    {HTTP_GET, "/api/users", h_users_list},
    {HTTP_POST, "/api/users", h_users_create},
    {HTTP_PATCH, "/api/users/{id}", h_users_patch},
    {HTTP_POST, "/api/users/{id}/password", h_users_password},
};
const size_t app_nroutes = sizeof app_routes / sizeof app_routes[0];

const struct db_stmt *const app_statements[] = {
    db_plan_stmts,      db_activity_stmts,
    db_indicator_stmts, db_report_stmts,
    db_auth_stmts,      db_edit_stmts,
    db_status_stmts,    db_user_stmts,
    db_audit_stmts,     db_export_stmts,
    db_import_stmts,    db_fiscal_stmts,
    db_round_stmts,     NULL,
};
