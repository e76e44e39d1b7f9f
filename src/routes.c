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
};
const size_t app_nroutes = sizeof app_routes / sizeof app_routes[0];

const struct db_stmt *const app_statements[] = {
    db_plan_stmts, db_activity_stmts, db_indicator_stmts, db_report_stmts, NULL,
};
