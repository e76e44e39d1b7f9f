/* Every statement the workers prepare at connect, by resource. Each set
 * lives beside the functions that run it (db/<resource>.c). */
#include "db_int.h"

extern const struct db_stmt db_session_stmts[], db_activity_stmts[], db_plan_stmts[],
    db_progress_stmts[];

extern const struct db_stmt db_user_stmts[], db_audit_stmts[];

extern const struct db_stmt db_dataset_stmts[], db_account_stmts[]; /* cli */

extern const struct db_stmt db_report_stmts[], db_yearimport_stmts[]; /* report */

extern const struct db_stmt db_edit_stmts[], db_status_stmts[], db_fiscal_stmts[],
    db_round_stmts[]; /* writes */

extern const struct db_stmt db_lifecycle_stmts[]; /* plan lifecycle, milestones */
extern const struct db_stmt db_public_input_stmts[];

extern const struct db_stmt db_drafting_stmts[]; /* the next plan */
extern const struct db_stmt db_version_stmts[];  /* the data version */

extern const struct db_stmt db_dashboard_stmts[];

const struct db_stmt *const db_statements[] = {
    db_edit_stmts,     db_status_stmts,     db_fiscal_stmts,    db_round_stmts,
    db_report_stmts,   db_yearimport_stmts, db_dataset_stmts,   db_account_stmts,
    db_session_stmts,  db_activity_stmts,   db_plan_stmts,      db_progress_stmts,
    db_user_stmts,     db_audit_stmts,      db_lifecycle_stmts, db_public_input_stmts,
    db_drafting_stmts, db_version_stmts,    db_dashboard_stmts, NULL,
};
