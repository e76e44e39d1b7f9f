/* SQL of fiscal years: the list, opening the next (rollover), locking. */
#include "fiscal.h"

#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "fragments.h"

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
    /* Why a lock matched nothing: does the year exist, is the user an admin. */
    {"fy_why", "SELECT " SQL_ACTING_ADMIN " FROM fiscal_year f WHERE f.year = $1", 1},
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
    {"fy_next", "SELECT coalesce(max(year) + 1, 0) FROM fiscal_year", 0},
    /* $2 the version read, $3 locked. */
    {"fy_lock",
     "UPDATE fiscal_year SET locked = $3, locked_at = CASE WHEN $3 THEN now() END,"
     " version = version + 1 WHERE year = $1 AND version = $2 AND " SQL_ACTING_ADMIN
     " RETURNING version",
     3},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_fiscal_list(struct db *db, char **json)
{
	return dbi_json(db, "fy_list", 0, NULL, json);
}

struct fy_write {
	const char *p[3]; /* year; locking: the version read, locked */
	char *json;
	int64_t version, next;
};

/* Inside dbi_tx: DB_OK with the year opened, DB_STALE with the year that
 * can be opened in f->next, or the failure of a statement. */
static enum db_rc
open_tx(struct db *db, void *arg)
{
	struct fy_write *f = arg;
	PGresult *r;
	enum db_rc rc;
	bool none;

	if ((rc = dbi_rows(db, "fy_open", 1, f->p, &r)) != DB_OK)
		return rc;
	none = strcmp(PQgetvalue(r, 0, 0), "0") == 0;
	PQclear(r);
	if (!none)
		return dbi_json_version(db, "fy_get", 1, f->p, &f->json, &f->version);
	if ((rc = dbi_rows(db, "fy_next", 0, NULL, &r)) != DB_OK)
		return rc;
	f->next = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return DB_STALE;
}

enum db_rc
db_fiscal_open(struct db *db, int user, int64_t fiscal_year, char **json, int64_t *next)
{
	char fy[24];
	struct fy_write f = {{dbi_int(fy, fiscal_year)}, NULL, 0, 0};
	enum db_rc rc = dbi_tx(db, user, "api", false, open_tx, &f);

	if (rc != DB_OK) {
		free(f.json);
		f.json = NULL;
	}
	*json = f.json;
	*next = rc == DB_STALE ? f.next : 0;
	return rc;
}

/* Inside dbi_tx: DB_OK with the year as locked (or unlocked); when the
 * update matched nothing DB_MISSING (no such year), DB_DENIED (no admin)
 * or DB_STALE with the year as it is; or the failure of a statement. */
static enum db_rc
lock_tx(struct db *db, void *arg)
{
	struct fy_write *f = arg;
	enum db_rc rc;
	int n;

	if ((rc = dbi_count(db, "fy_lock", 3, f->p, &n)) != DB_OK)
		return rc;
	if (n > 0)
		return dbi_json_version(db, "fy_get", 1, f->p, &f->json, &f->version);
	if ((rc = dbi_may(db, "fy_why", 1, f->p)) != DB_OK ||
	    (rc = dbi_json_version(db, "fy_get", 1, f->p, &f->json, &f->version)) != DB_OK)
		return rc;
	return DB_STALE;
}

enum db_rc
db_fiscal_lock(struct db *db, int user, int64_t fiscal_year, int64_t version, bool locked,
               char **json, int64_t *version_now)
{
	char fy[24], ver[24];
	struct fy_write f = {
	    {dbi_int(fy, fiscal_year), dbi_int(ver, version), locked ? "t" : "f"}, NULL, 0, 0};
	enum db_rc rc = dbi_settle(dbi_tx(db, user, "api", false, lock_tx, &f), &f.json);

	*json = f.json;
	*version_now = f.version;
	return rc;
}
