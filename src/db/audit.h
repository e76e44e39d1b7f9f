/* The audit trail: a record's history, newest first. The log is
 * append-only in the database; nothing here can change it. */
#ifndef SHINCHOKU_DB_AUDIT_H
#define SHINCHOKU_DB_AUDIT_H

#include <stdint.h>

#include "db.h"

/* {"entity", "id", "total", "items": [...]} for the record entity_id of
 * table entity (its key as the audit trigger writes it: "12",
 * "12/2024"), limit entries from offset, into *json (the caller frees).
 * DB_OK (items may be empty), or DB_AWAY / DB_BUG. */
enum db_rc db_audit_list(struct db *db, const char *entity, const char *entity_id, int64_t limit,
                         int64_t offset, char **json);

/* {"activity_id", "total", "items": [...]}: the history of activity id
 * as a whole, newest first: the activity, its yearly records (each item
 * with its "fiscal_year"), its departments, placements and status
 * requests; limit entries from offset, into *json (the caller frees).
 * DB_MISSING when there is no such activity, DB_AWAY, DB_BUG. */
enum db_rc db_activity_history(struct db *db, int64_t activity_id, int64_t limit, int64_t offset,
                               char **json);

#endif
