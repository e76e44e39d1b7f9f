/* The route table: every URL the API answers, in one place. What each
 * endpoint accepts is declared beside its handler. */
#include "endpoints.h"

#define ROUTE(m, pattern, ep)                                                                      \
	{                                                                                          \
		HTTP_##m, pattern, &ep                                                             \
	}

const struct http_route api_routes[] = {
    ROUTE(GET, "/api/health", ep_health),
    ROUTE(GET, "/api/statuses", ep_statuses),
    ROUTE(GET, "/api/plans", ep_plans_list),
    ROUTE(GET, "/api/plans/{id}", ep_plans_get),
    ROUTE(GET, "/api/plans/{id}/milestones", ep_milestones_list),
    ROUTE(GET, "/api/departments", ep_departments_list),
    ROUTE(GET, "/api/activities", ep_activities_list),
    ROUTE(GET, "/api/activities/{id}", ep_activities_get),
    ROUTE(GET, "/api/indicators", ep_indicators_list),
    ROUTE(GET, "/api/reports/{fy}/summary", ep_reports_summary),
    ROUTE(GET, "/api/reports/{fy}/appendix", ep_reports_appendix),
    ROUTE(GET, "/api/reports/{fy}/progress.csv", ep_reports_csv),
    ROUTE(GET, "/api/reports/{fy}/progress.xlsx", ep_reports_xlsx),
    ROUTE(POST, "/api/reports/{fy}/import", ep_reports_import),
    ROUTE(GET, "/api/reports/{fy}/differences", ep_reports_differences),
    ROUTE(GET, "/api/rounds", ep_rounds_list),
    ROUTE(POST, "/api/rounds", ep_rounds_open),
    ROUTE(GET, "/api/rounds/{id}", ep_rounds_get),
    ROUTE(POST, "/api/rounds/{id}/closure", ep_rounds_close),
    ROUTE(GET, "/api/rounds/{id}/my-updates", ep_rounds_mine),
    ROUTE(GET, "/api/fiscal-years", ep_fiscal_list),
    ROUTE(POST, "/api/fiscal-years", ep_fiscal_open),
    ROUTE(PATCH, "/api/fiscal-years/{fy}", ep_fiscal_lock),
    ROUTE(POST, "/api/session", ep_session_create),
    ROUTE(GET, "/api/session", ep_session_get),
    ROUTE(DELETE, "/api/session", ep_session_delete),
    ROUTE(PATCH, "/api/activities/{id}/years/{fy}", ep_year_patch),
    ROUTE(POST, "/api/activities/{id}/years/{fy}/status-requests", ep_status_request_create),
    ROUTE(GET, "/api/status-requests", ep_status_request_list),
    ROUTE(POST, "/api/status-requests/{id}/decision", ep_status_request_decide),
    ROUTE(POST, "/api/status-requests/{id}/withdrawal", ep_status_request_withdraw),
    ROUTE(GET, "/api/audit", ep_audit_list),
    ROUTE(GET, "/api/users", ep_users_list),
    ROUTE(POST, "/api/users", ep_users_create),
    ROUTE(PATCH, "/api/users/{id}", ep_users_patch),
    ROUTE(POST, "/api/users/{id}/password", ep_users_password),
    ROUTE(PUT, "/api/plans/{id}/scheme", ep_scheme_put),
    ROUTE(GET, "/api/plans/{id}/transitions", ep_plan_steps_list),
    ROUTE(POST, "/api/plans/{id}/transitions", ep_plan_steps_take),
    ROUTE(POST, "/api/plans/{id}/milestones", ep_milestones_create),
    ROUTE(PATCH, "/api/milestones/{id}", ep_milestones_patch),
    ROUTE(GET, "/api/plans/{id}/public-comment", ep_pc_get),
    ROUTE(PUT, "/api/plans/{id}/public-comment", ep_pc_put),
    ROUTE(GET, "/api/plans/{id}/public-comment.csv", ep_pc_csv),
    ROUTE(GET, "/api/plans/{id}/public-comment/opinions", ep_pc_opinions),
    ROUTE(POST, "/api/plans/{id}/public-comment/opinions", ep_pc_opinion_create),
    ROUTE(PATCH, "/api/public-comment-opinions/{id}", ep_pc_opinion_patch),
    ROUTE(DELETE, "/api/public-comment-opinions/{id}", ep_pc_opinion_delete),
    ROUTE(GET, "/api/plans/{id}/exchange-sessions", ep_xs_list),
    ROUTE(POST, "/api/plans/{id}/exchange-sessions", ep_xs_create),
    ROUTE(GET, "/api/exchange-sessions/{id}", ep_xs_get),
    ROUTE(PATCH, "/api/exchange-sessions/{id}", ep_xs_patch),
    ROUTE(DELETE, "/api/exchange-sessions/{id}", ep_xs_delete),
    ROUTE(GET, "/api/exchange-sessions/{id}/opinions", ep_xs_opinions),
    ROUTE(POST, "/api/exchange-sessions/{id}/opinions", ep_xs_opinion_create),
    ROUTE(PATCH, "/api/exchange-session-opinions/{id}", ep_xs_opinion_patch),
    ROUTE(DELETE, "/api/exchange-session-opinions/{id}", ep_xs_opinion_delete),
    /* Writing the next plan (drafting.c, indicators.c). */
    ROUTE(GET, "/api/plans/{id}/outline", ep_dr_outline),
    ROUTE(POST, "/api/plans/{id}/goals", ep_dr_goal_create),
    ROUTE(PATCH, "/api/goals/{id}", ep_dr_goal_patch),
    ROUTE(DELETE, "/api/goals/{id}", ep_dr_goal_delete),
    ROUTE(POST, "/api/plans/{id}/measures", ep_dr_measure_create),
    ROUTE(GET, "/api/measures/{id}", ep_dr_measure_get),
    ROUTE(PATCH, "/api/measures/{id}", ep_dr_measure_patch),
    ROUTE(DELETE, "/api/measures/{id}", ep_dr_measure_delete),
    ROUTE(POST, "/api/measures/{id}/activities", ep_dr_activity_create),
    ROUTE(PATCH, "/api/activities/{id}", ep_dr_activity_patch),
    ROUTE(DELETE, "/api/activities/{id}", ep_dr_activity_delete),
    ROUTE(POST, "/api/activities/{id}/departments", ep_dr_dept_add),
    ROUTE(PATCH, "/api/activities/{id}/departments/{department}", ep_dr_dept_patch),
    ROUTE(DELETE, "/api/activities/{id}/departments/{department}", ep_dr_dept_remove),
    ROUTE(POST, "/api/plans/{id}/carry-over", ep_dr_carry_over),
    ROUTE(POST, "/api/plans/{id}/proposals", ep_dr_propose),
    ROUTE(GET, "/api/plans/{id}/proposals", ep_dr_proposals),
    ROUTE(POST, "/api/proposals/{id}/decision", ep_dr_decide),
    ROUTE(GET, "/api/plans/{id}/comparison", ep_dr_comparison),
    ROUTE(GET, "/api/plans/{id}/comparison.csv", ep_dr_comparison_csv),
    ROUTE(GET, "/api/indicators/{id}", ep_ind_get),
    ROUTE(POST, "/api/plans/{id}/indicators", ep_ind_create),
    ROUTE(PATCH, "/api/indicators/{id}", ep_ind_patch),
    ROUTE(DELETE, "/api/indicators/{id}", ep_ind_delete),
    ROUTE(POST, "/api/indicators/{id}/values", ep_val_create),
    ROUTE(PATCH, "/api/indicators/{id}/values/{fy}", ep_val_patch),
    ROUTE(DELETE, "/api/indicators/{id}/values/{fy}", ep_val_delete),
    ROUTE(POST, "/api/plans/{id}/footnotes", ep_fn_create),
    ROUTE(PATCH, "/api/plans/{id}/footnotes/{number}", ep_fn_patch),
    ROUTE(POST, "/api/indicators/{id}/notes", ep_note_add),
    ROUTE(DELETE, "/api/indicators/{id}/notes/{number}", ep_note_remove),
};
const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];

/* Here, not in door.c, so that a unit test of one endpoint through
 * api_dispatch links that endpoint alone. */
void
api_serve(struct http_request *req, struct db *db, struct http_response *res)
{
	api_dispatch(api_routes, api_nroutes, req, db, res);
}
