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
