/* The dashboard's counts: the records by status per fiscal year, and for
 * one year by goal and by department. */
#ifndef SHINCHOKU_DB_DASHBOARD_H
#define SHINCHOKU_DB_DASHBOARD_H

#include <stdint.h>

#include "db.h"

/* {"fiscal_year", "era", "years": [...], "goals": [...], "departments":
 * [...]} into *json (the caller frees); each entry has "counts" (one per
 * status of the scale, in its order: {"status", "mark", "count"}),
 * "unset" and "total". fiscal_year 0 is the latest year with records,
 * plan 0 every plan. The records as they are now (the report's summary
 * counts a closed round's snapshot instead). DB_OK, DB_AWAY, DB_BUG. */
enum db_rc db_dashboard(struct db *db, int64_t fiscal_year, int64_t plan, char **json);

#endif
