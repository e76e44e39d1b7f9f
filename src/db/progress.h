/* The progress scale as the API shows it, and the health check. */
#ifndef SHINCHOKU_DB_PROGRESS_H
#define SHINCHOKU_DB_PROGRESS_H

#include "db.h"

/* DB_OK when the database answers a trivial query, else DB_AWAY. */
enum db_rc db_health(struct db *db);

/* {"items": [{key, mark, label, short, reason_required, position}]} in
 * report order: the one definition of ◎○△× for the page. */
enum db_rc db_status_list(struct db *db, char **json);

#endif
