/* The endpoints of the route table (routes.c); each is defined beside its
 * handler in api/<resource>.c. */
#ifndef SHINCHOKU_ENDPOINTS_H
#define SHINCHOKU_ENDPOINTS_H

#include "api.h"

/* health.c */
extern const struct api_endpoint ep_health, ep_statuses;
/* metrics.c */
extern const struct api_endpoint ep_metrics;
/* plans.c: plans, milestones, indicators, departments */
extern const struct api_endpoint ep_plans_list, ep_plans_get, ep_milestones_list,
    ep_departments_list, ep_indicators_list;
/* activities.c */
extern const struct api_endpoint ep_activities_list, ep_activities_get;
/* reports.c: summary, appendix, CSV/XLSX, differences, import */
extern const struct api_endpoint ep_reports_summary, ep_reports_appendix, ep_reports_csv,
    ep_reports_xlsx, ep_reports_differences, ep_reports_import;
/* rounds.c */
extern const struct api_endpoint ep_rounds_list, ep_rounds_open, ep_rounds_get, ep_rounds_close,
    ep_rounds_mine;
/* fiscal.c */
extern const struct api_endpoint ep_fiscal_list, ep_fiscal_open, ep_fiscal_lock;
/* session.c handlers live in signin.c */
extern const struct api_endpoint ep_session_create, ep_session_get, ep_session_delete;
/* edit.c */
extern const struct api_endpoint ep_year_patch;
/* status.c */
extern const struct api_endpoint ep_status_request_create, ep_status_request_list,
    ep_status_request_decide, ep_status_request_withdraw;
/* audit.c */
extern const struct api_endpoint ep_audit_list;
/* history.c: an activity's history and status requests; dashboard.c */
extern const struct api_endpoint ep_activity_history, ep_activity_requests, ep_dashboard;
/* users.c */
extern const struct api_endpoint ep_users_list, ep_users_create, ep_users_patch, ep_users_password;
/* lifecycle.c: a plan's steps, writing its milestones */
extern const struct api_endpoint ep_plan_steps_list, ep_plan_steps_take, ep_milestones_create,
    ep_milestones_patch;
/* public_input.c: public comment, exchange sessions, their opinions */
extern const struct api_endpoint ep_pc_get, ep_pc_put, ep_pc_csv, ep_pc_opinions,
    ep_pc_opinion_create, ep_pc_opinion_patch, ep_pc_opinion_delete, ep_xs_list, ep_xs_get,
    ep_xs_create, ep_xs_patch, ep_xs_delete, ep_xs_opinions, ep_xs_opinion_create,
    ep_xs_opinion_patch, ep_xs_opinion_delete;
/* drafting.c: the structure of a draft plan, proposals, carry-over, the comparison */
extern const struct api_endpoint ep_dr_outline, ep_dr_measure_get, ep_dr_comparison,
    ep_dr_comparison_csv, ep_dr_goal_create, ep_dr_goal_patch, ep_dr_goal_delete,
    ep_dr_measure_create, ep_dr_measure_patch, ep_dr_measure_delete, ep_dr_activity_create,
    ep_dr_activity_patch, ep_dr_activity_delete, ep_dr_dept_add, ep_dr_dept_patch,
    ep_dr_dept_remove, ep_dr_carry_over, ep_dr_propose, ep_dr_proposals, ep_dr_decide;
/* indicators.c: indicators, their values and footnotes */
extern const struct api_endpoint ep_ind_get, ep_ind_create, ep_ind_patch, ep_ind_delete,
    ep_val_create, ep_val_patch, ep_val_delete, ep_fn_create, ep_fn_patch, ep_note_add,
    ep_note_remove;
/* Helpers of drafting.c that indicators.c shares: a body field or NULL/0,
 * "send at least one of these", and the answer to a db_drafting_write. */
struct db_dr_write;
int64_t api_bint(const struct api_req *rq, int k);
int api_some_field(const struct api_req *rq, size_t n, const struct json_bfield *fields,
                   struct http_response *res);
void api_drafting_answer(const struct api_req *rq, struct db *db, struct http_response *res,
                         const struct db_dr_write *w, int status, const char *what);

#endif
