/* SQL of the audit trail: a record's history, newest first. */
#include "audit.h"

#include "db_int.h"

/* clang-format off */
const struct db_stmt db_audit_stmts[] = {
    /* $1 entity (table), $2 its key as the trigger wrote it, $3 limit, $4 offset. */
    {"audit_list",
     "SELECT json_build_object('entity', $1::text, 'id', $2::text,"
     " 'total', (SELECT count(*) FROM audit_log WHERE entity = $1 AND entity_id = $2),"
     " 'items', coalesce(json_agg(json_build_object('id', x.id, 'at', x.at,"
     "   'user', CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id,"
     "     'login', u.login, 'display_name', u.display_name) END,"
     "   'channel', x.channel, 'action', x.action, 'before', x.before, 'after', x.after)"
     "   ORDER BY x.id DESC), '[]'))::text"
     " FROM (SELECT * FROM audit_log WHERE entity = $1 AND entity_id = $2"
     "       ORDER BY id DESC LIMIT $3 OFFSET $4) x"
     " LEFT JOIN app_user u ON u.id = x.user_id",
     4},
    /* $1 activity, $2 limit, $3 offset: every entry about the activity,
     * whichever table it was logged under (the key's first part is the
     * activity for its years and departments). */
    {"audit_activity",
     "WITH e AS (SELECT l.* FROM audit_log l"
     "  WHERE (l.entity = 'activity' AND l.entity_id = $1::int::text)"
     "     OR (l.entity IN ('activity_year', 'activity_department')"
     "         AND l.entity_id LIKE $1::int::text || '/%')"
     "     OR (l.entity = 'status_request' AND l.entity_id IN"
     "         (SELECT r.id::text FROM status_request r WHERE r.activity_id = $1))"
     "     OR (l.entity = 'placement' AND l.entity_id IN"
     "         (SELECT p.id::text FROM placement p WHERE p.activity_id = $1)))"
     " SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM activity WHERE id = $1) THEN NULL"
     " ELSE json_build_object('activity_id', $1::int, 'total', (SELECT count(*) FROM e),"
     "  'items', (SELECT coalesce(json_agg(json_build_object('id', x.id, 'at', x.at,"
     "    'entity', x.entity, 'entity_id', x.entity_id,"
     "    'fiscal_year', CASE WHEN x.entity = 'activity_year'"
     "      THEN split_part(x.entity_id, '/', 2)::int END,"
     "    'user', CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('id', u.id,"
     "      'login', u.login, 'display_name', u.display_name) END,"
     "    'channel', x.channel, 'action', x.action, 'before', x.before, 'after', x.after)"
     "    ORDER BY x.id DESC), '[]')"
     "   FROM (SELECT * FROM e ORDER BY id DESC LIMIT $2 OFFSET $3) x"
     "   LEFT JOIN app_user u ON u.id = x.user_id)) END::text",
     3},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_audit_list(struct db *db, const char *entity, const char *entity_id, int64_t limit,
              int64_t offset, char **json)
{
	char slimit[24], soffset[24];
	const char *p[4] = {entity, entity_id, dbi_int(slimit, limit), dbi_int(soffset, offset)};

	return dbi_json(db, "audit_list", 4, p, json);
}

enum db_rc
db_activity_history(struct db *db, int64_t activity_id, int64_t limit, int64_t offset, char **json)
{
	char sid[24], slimit[24], soffset[24];
	const char *p[3] = {dbi_int(sid, activity_id), dbi_int(slimit, limit),
	                    dbi_int(soffset, offset)};

	return dbi_json(db, "audit_activity", 3, p, json);
}
