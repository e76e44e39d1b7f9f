/* SQL of fiscal years: the list, opening the next (rollover), locking. */
#include "handlers.h"

#define FY_JSON                                                                                    \
	"json_build_object('fiscal_year', f.year, 'era', fiscal_era(f.year),"                      \
	" 'locked', f.locked, 'opened_at', f.opened_at, 'locked_at', f.locked_at,"                 \
	" 'version', f.version,"                                                                   \
	" 'records', (SELECT count(*) FROM activity_year y WHERE y.fiscal_year = f.year),"         \
	" 'statuses_set', (SELECT count(*) FROM activity_year y"                                   \
	"   WHERE y.fiscal_year = f.year AND y.status IS NOT NULL))"

/* clang-format off */
const struct db_stmt db_fiscal_stmts[] = {
    {"fy_list",
     "SELECT json_build_object('items', coalesce(json_agg(" FY_JSON " ORDER BY f.year), '[]'))::text"
     " FROM fiscal_year f",
     0},
    {"fy_get", "SELECT " FY_JSON "::text, f.version FROM fiscal_year f WHERE f.year = $1", 1},
    {"fy_why", "SELECT " SQL_ACTING_ADMIN ", f.version FROM fiscal_year f WHERE f.year = $1", 1},
    /* Opens year $1, the one after the latest: every activity of the year
     * before gets a record, its plan carried over, no status yet. */
    {"fy_open",
     "WITH ins AS (INSERT INTO activity_year (activity_id, fiscal_year, plan_next)"
     "  SELECT y.activity_id, $1, y.plan_next FROM activity_year y"
     "  WHERE y.fiscal_year = $1::int - 1 AND " SQL_ACTING_ADMIN
     "    AND $1::int = (SELECT max(year) + 1 FROM fiscal_year)"
     "  RETURNING 1)"
     " SELECT count(*) FROM ins",
     1},
    {"fy_next", "SELECT max(year) + 1 FROM fiscal_year", 0},
    /* $2 the version read, $3 locked. */
    {"fy_lock",
     "UPDATE fiscal_year SET locked = $3, locked_at = CASE WHEN $3 THEN now() END,"
     " version = version + 1 WHERE year = $1 AND version = $2 AND " SQL_ACTING_ADMIN
     " RETURNING version",
     3},
    {NULL, NULL, 0},
};
/* clang-format on */
