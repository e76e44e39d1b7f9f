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

#endif
