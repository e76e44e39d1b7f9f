/* SQL fragments that more than one resource's statements use. */
#ifndef SHINCHOKU_DB_FRAGMENTS_H
#define SHINCHOKU_DB_FRAGMENTS_H

/* The departments of an activity as a JSON array, in the order of the
 * 所管課 cell. */
#define DEPARTMENTS_JSON(activity_id)                                                              \
	"(SELECT coalesce(json_agg(json_build_object('id', d.id, 'name', d.name) "                 \
	"ORDER BY ad.position), '[]') FROM activity_department ad "                                \
	"JOIN department d ON d.id = ad.department_id WHERE ad.activity_id = " activity_id ")"

/* Is the acting user (app.user_id) an active admin? For statements whose
 * table has no department to scope by (fiscal years, rounds). */
#define SQL_ACTING_ADMIN                                                                           \
	"EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user()"                         \
	" AND u.role = 'admin' AND u.active)"

/* One milestone (alias ms) as the API shows it: overdue and computed_state
 * come from milestone_overdue() (sql/008), i.e. from the database's
 * current_date, never from a stored flag. */
#define MILESTONE_JSON                                                                             \
	"json_build_object('id', ms.id, 'plan_id', ms.plan_id, 'position', ms.position,"           \
	" 'title', ms.title, 'planned_month', to_char(ms.planned_month, 'YYYY-MM'),"               \
	" 'planned_end_month', to_char(ms.planned_end_month, 'YYYY-MM'),"                          \
	" 'planned_text', ms.planned_text, 'open_ended', ms.open_ended,"                           \
	" 'actual_date', ms.actual_date, 'state', ms.state,"                                       \
	" 'overdue', milestone_overdue(ms.state, ms.planned_month, ms.planned_end_month,"          \
	"   ms.open_ended),"                                                                       \
	" 'computed_state', CASE WHEN milestone_overdue(ms.state, ms.planned_month,"               \
	"   ms.planned_end_month, ms.open_ended) THEN 'overdue' ELSE ms.state END,"                \
	" 'completes', ms.completes,"                                                              \
	" 'owner_department', (SELECT json_build_object('id', d.id, 'name', d.name)"               \
	"   FROM department d WHERE d.id = ms.owner_department_id),"                               \
	" 'notes', ms.notes, 'version', ms.version)"

#endif
