/* SQL of activities, their yearly records and departments. */
#include "activity.h"

#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "fragments.h"
#include "jsonw.h"
#include "log.h"
#include "text.h"

/* SQL reads better laid out by hand. */
/* clang-format off */

/* The list is a statement per common filter (none, or one of plan, goal,
 * measure, department, status, text) and a generic one for the other
 * combinations, so that each gets a plan of its own rather than one plan
 * of `$n IS NULL OR …` for all. Every variant takes the same parameters:
 * $1 plan, $2 goal, $3 measure id or code, $4 department, $5 status key,
 * $6 fiscal year, $7 free text (NULL: none), $8 limit, $9 offset.
 *
 * It answers plain rows, which db_activity_list renders: first a header
 * (k 0: the total and the fiscal year), then each activity of the page in
 * order (k 1, n its rank), its departments in one column. The
 * sort and the count read activity_rank (sql/012: the list's keys under an
 * index in its order), not inlined twice; the texts are read for the
 * page's rows alone. The free text is matched in activity_search (sql/012:
 * the year's texts folded by app_fold, under a trigram index). */
#define ACTIVITY_Q                                                                                 \
	"EXISTS (SELECT 1 FROM activity_search s WHERE s.activity_id = a.activity_id"                       \
	" AND s.fiscal_year = coalesce(y.fiscal_year, 0)"                                          \
	" AND " ACTIVITY_Q_LIKE ")"
/* The same match as ACTIVITY_Q, read the other way round: the texts that
 * contain q, under the index on (fiscal_year, folded) of sql/016, as one
 * activity id each. In two parts: the year's texts (an activity with a
 * text of the year has its record), and the year-less ones of the
 * activities without a record that year (the row's record_years say so,
 * sql/022). Neither reads the activity's keys: every searched activity is
 * in the list (sql/022), so the count is the matches' alone. */
#define ACTIVITY_Q_LIKE "s.folded LIKE f.pat"
#define ACTIVITY_Q_IDS                                                                             \
	"SELECT s.activity_id AS id FROM f CROSS JOIN activity_search s"                           \
	" WHERE s.fiscal_year = f.fy AND " ACTIVITY_Q_LIKE                                        \
	" UNION ALL "                                                                              \
	"SELECT s.activity_id FROM f CROSS JOIN activity_search s"                                 \
	" WHERE s.fiscal_year = 0 AND " ACTIVITY_Q_LIKE " AND f.fy <> ALL (s.record_years)"
/* A page of q's matches in the list's order, two ways, of which `many`
 * picks one when the statement runs: a few matches are each looked up in
 * activity_rank and sorted; many are kept from a walk of the list's order
 * index, which stops when the page is full (activity_rank_walk, sql/022;
 * at 100 × the seed, 973 matches of 10,500: a page of ten reads 128 index
 * entries instead of looking up 973). An entry of the walk costs about a
 * thirteenth of a look-up (at 100 × the seed 0.13 µs against 1.7 µs), so
 * the walk is taken from one match in sixteen activities on, where even a
 * walk to the index's end costs less than the look-ups, and from 32
 * matches on, about what the function's call costs (50 µs). */
#define ACTIVITY_Q_PAGE                                                                            \
	"counted AS (SELECT count(*) AS n,"                                                        \
	"  count(*) >= 32 AND count(*) * 16 > (SELECT n FROM activity_rank_total) AS many"         \
	" FROM matched), "                                                                         \
	"page AS (SELECT x.*, row_number() OVER (ORDER BY " ACTIVITY_ORDER ") AS n FROM ("         \
	"(SELECT " ACTIVITY_KEYS " FROM matched m JOIN activity_rank a ON a.activity_id = m.id"    \
	"  WHERE NOT (SELECT many FROM counted) ORDER BY a.ord LIMIT $8 OFFSET $9)"               \
	" UNION ALL "                                                                              \
	"SELECT " ACTIVITY_KEYS                                                                    \
	" FROM activity_rank_walk(ARRAY(SELECT id FROM matched), $8::int, $9::int) a"              \
	" WHERE (SELECT many FROM counted)) x) "
#define ACTIVITY_DEPT                                                                              \
	"EXISTS (SELECT 1 FROM activity_department ad"                                             \
	" WHERE ad.activity_id = a.activity_id AND ad.department_id = $4::int)"
#define ACTIVITY_MEASURE                                                                           \
	"a.measure_id IN (SELECT m.id FROM measure m WHERE m.id::text = $3::text OR m.code = $3::text)"

/* The list's order: each activity's place in it (sql/019). */
#define ACTIVITY_ORDER "x.ord"

/* The list's statement with filter as its WHERE clause: matched is
 * computed once for the page and the count (MATERIALIZED). Unfiltered:
 * ACTIVITY_LIST_ALL. */
#define ACTIVITY_RANK "f CROSS JOIN activity_rank a"
#define ACTIVITY_LIST(filter)                                                                      \
	ACTIVITY_LIST_OF(ACTIVITY_MATCH(ACTIVITY_RANK, filter), ACTIVITY_COUNTED)
/* The total: the matches counted, or (unfiltered) the number sql/018 keeps. */
#define ACTIVITY_COUNTED "(SELECT count(*) FROM matched)"
#define ACTIVITY_KEPT "(SELECT n FROM activity_rank_total)"
/* The parameters, typed once, and q's LIKE pattern, folded once rather
 * than for every text it is matched against (a generic plan cannot fold
 * it as a constant); the first CTE of every variant. With them the marks
 * of every status ("scheme key" to mark), one small map a call: looking
 * up each item's two statuses in progress_status's index was a third of
 * a page's index probes, and a quarter of the statement's time. */
#define ACTIVITY_F                                                                                 \
	"WITH f AS (SELECT coalesce($6::int, (SELECT max(fiscal_year) FROM activity_year)) AS fy," \
	"  $1::int AS plan, $2::int AS goal, $3::text AS measure, $4::int AS dept,"                \
	"  $5::text AS status, app_like_anywhere(app_fold($7::text)) AS pat,"                      \
	"  (SELECT jsonb_object_agg(ps.scheme_id || ' ' || ps.key, ps.mark)"                       \
	"   FROM progress_status ps) AS marks), "
/* An activity's keys in the list (activity_rank a). */
#define ACTIVITY_KEYS                                                                              \
	"a.activity_id AS id, a.plan_id, a.goal_id, a.goal_number, a.measure_id, a.policy,"        \
	" a.measure_no, a.position, a.ord"
/* The activities of from that pass filter, with their keys. */
#define ACTIVITY_MATCH(from, filter)                                                               \
	"SELECT " ACTIVITY_KEYS " FROM " from                                                      \
	" LEFT JOIN activity_year y ON y.activity_id = a.activity_id AND y.fiscal_year = f.fy"     \
	" WHERE " filter
/* The list of the activities that matched (computed once for the page and
 * the count). */
#define ACTIVITY_LIST_OF(match, total)                                                             \
	ACTIVITY_F                                                                                 \
	"matched AS MATERIALIZED (" match "), "                                                    \
	"page AS (SELECT x.*, row_number() OVER (ORDER BY " ACTIVITY_ORDER ") AS n"                \
	" FROM (SELECT * FROM matched x ORDER BY " ACTIVITY_ORDER " LIMIT $8 OFFSET $9) x) "       \
	ACTIVITY_LIST_ROWS(total)
/* The list of q's matches (ACTIVITY_Q_IDS), counted once, its page as
 * ACTIVITY_Q_PAGE. */
#define ACTIVITY_LIST_Q                                                                            \
	ACTIVITY_F                                                                                 \
	"matched AS MATERIALIZED (" ACTIVITY_Q_IDS "), " ACTIVITY_Q_PAGE                           \
	ACTIVITY_LIST_ROWS("(SELECT n FROM counted)")
/* Unfiltered, a page is the activities at the places offset + 1 to
 * offset + limit (activity_rank.ord, sql/019, numbers them without gaps):
 * limit index entries at any offset. A range rather than LIMIT, so that
 * the planner's guess for it is small and one generic plan serves every
 * page; with LIMIT $8 it planned anew on every call (1.2 ms at 100 × the
 * seed, as long as running it). */
#define ACTIVITY_LIST_ALL                                                                          \
	ACTIVITY_F                                                                                 \
	"page AS (SELECT a.activity_id AS id, a.plan_id, a.goal_id, a.goal_number, a.measure_id,"  \
	"  a.policy, a.measure_no, a.position, a.ord AS n"                                         \
	" FROM activity_rank a WHERE a.ord > $9::int AND a.ord <= $9::bigint + $8::int"            \
	" ORDER BY a.ord) "                                                                        \
	ACTIVITY_LIST_ROWS(ACTIVITY_KEPT)
/* The answer's rows from the page (see above): the year-independent texts
 * of each activity from activity_card (sql/021), one row each, rather
 * than its activity, measure and departments looked up one by one; the
 * statuses' marks from f's map. */
#define ACTIVITY_LIST_ROWS(total)                                                                  \
	"SELECT 0::bigint AS n, 0 AS k, " total "::int AS id,"                                      \
	" NULL::int, NULL::text, NULL::int, NULL::int, NULL::int, NULL::text, NULL::text,"         \
	" NULL::int, f.fy, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::int," \
	" NULL::text, NULL::text, NULL::text"                                                      \
	" FROM f "                                                                                 \
	"UNION ALL "                                                                               \
	"SELECT p.n, 1, p.id, p.plan_id, c.name, p.goal_id, p.goal_number, p.measure_id,"          \
	" c.measure_code, c.measure_name, p.position, f.fy, y.status,"                             \
	" f.marks ->> (y.scheme_id || ' ' || y.status), y.change_reason, y.result, y.plan_next,"   \
	" y.version, y.status2, f.marks ->> (y.scheme_id || ' ' || y.status2), c.departments"      \
	" FROM page p CROSS JOIN f JOIN activity_card c ON c.activity_id = p.id"                   \
	" LEFT JOIN activity_year y ON y.activity_id = p.id AND y.fiscal_year = f.fy "             \
	"ORDER BY 1"

const struct db_stmt db_activity_stmts[] = {
	{"activity_list", ACTIVITY_LIST_ALL, 9},
	{"activity_list_plan", ACTIVITY_LIST("a.plan_id = $1::int"), 9},
	{"activity_list_goal", ACTIVITY_LIST("a.goal_id = $2::int"), 9},
	{"activity_list_measure", ACTIVITY_LIST(ACTIVITY_MEASURE), 9},
	{"activity_list_department", ACTIVITY_LIST(ACTIVITY_DEPT), 9},
	{"activity_list_status", ACTIVITY_LIST("y.status = $5::text"), 9},
	{"activity_list_q", ACTIVITY_LIST_Q, 9},
	{"activity_list_any",
	 ACTIVITY_LIST("($1::int IS NULL OR a.plan_id = $1::int) AND ($2::int IS NULL OR a.goal_id = $2::int)"
	               " AND ($3::text IS NULL OR " ACTIVITY_MEASURE ")"
	               " AND ($4::int IS NULL OR " ACTIVITY_DEPT ")"
	               " AND ($5::text IS NULL OR y.status = $5::text)"
	               " AND ($7::text IS NULL OR " ACTIVITY_Q ")"),
	 9},
	{"activity_get",
	 "SELECT json_build_object('id', a.id, 'name', a.name,"
	 " 'plan', json_build_object('id', p.id, 'title', p.title),"
	 " 'goal', json_build_object('id', g.id, 'number', g.number, 'title', g.title),"
	 " 'measure', json_build_object('id', m.id, 'code', m.code, 'name', m.name),"
	 " 'position', pl.position, 'departments', " DEPARTMENTS_JSON("a.id") ","
	 " 'relistings', (SELECT coalesce(json_agg(json_build_object('measure_id', rm.id,"
	 "   'code', rm.code, 'position', r.position, 'label', coalesce(r.label, a.name))"
	 "   ORDER BY rm.plan_id, rm.code), '[]')"
	 "  FROM placement r JOIN measure rm ON rm.id = r.measure_id"
	 "  WHERE r.activity_id = a.id AND r.relisted),"
	 " 'years', (SELECT coalesce(json_agg(json_build_object('fiscal_year', y.fiscal_year,"
	 "   'status', y.status, 'status_mark', s.mark, 'status2', y.status2,"
	 "   'status2_mark', s2.mark, 'change_reason', y.change_reason,"
	 "   'result', y.result, 'plan_next', y.plan_next, 'version', y.version,"
	 "   'updated_at', y.updated_at) ORDER BY y.fiscal_year), '[]')"
	 "  FROM activity_year y"
	 "  LEFT JOIN progress_status s ON s.scheme_id = y.scheme_id AND s.key = y.status"
	 "  LEFT JOIN progress_status s2 ON s2.scheme_id = y.scheme_id AND s2.key = y.status2"
	 "  WHERE y.activity_id = a.id))::text "
	 "FROM activity a JOIN plan p ON p.id = a.plan_id JOIN measure m ON m.id = a.measure_id"
	 " JOIN goal g ON g.id = m.goal_id"
	 " JOIN placement pl ON pl.activity_id = a.id AND NOT pl.relisted "
	 "WHERE a.id = $1",
	 1},
	{"department_list",
	 "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
	 " 'id', d.id, 'name', d.name, 'activity_count', (SELECT count(*)"
	 "  FROM activity_department ad WHERE ad.department_id = d.id)) ORDER BY d.name), '[]'))::text "
	 "FROM department d",
	 0},
	{NULL, NULL, 0},
};
/* clang-format on */

/* The columns of the list's rows (ACTIVITY_LIST). */
enum {
	L_N,
	L_K,
	L_ID,
	L_PLAN,
	L_NAME,
	L_GOAL,
	L_GOAL_NO,
	L_MEASURE,
	L_CODE,
	L_MEASURE_NAME,
	L_POSITION,
	L_FY,
	L_STATUS,
	L_MARK,
	L_REASON,
	L_RESULT,
	L_PLAN_NEXT,
	L_VERSION,
	L_STATUS2, /* the second scale's (sql/015); NULL for a plan of one */
	L_MARK2,
	L_DEPARTMENTS, /* activity_card.departments (sql/021) */
	L_NCOLS
};

/* Member key of the object being written, from cell (row, col) of r:
 * null for SQL NULL. */
static void
member_int(struct jsonw *w, const char *key, const PGresult *r, int row, int col)
{
	jsonw_key(w, key);
	if (PQgetisnull(r, row, col))
		jsonw_null(w);
	else
		jsonw_int(w, strtoll(PQgetvalue(r, row, col), NULL, 10));
}

static void
member_text(struct jsonw *w, const char *key, const PGresult *r, int row, int col)
{
	jsonw_key(w, key);
	if (PQgetisnull(r, row, col))
		jsonw_null(w);
	else
		jsonw_string(w, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col));
}

/* A text of the yearly record: "" when the activity has none that year. */
static void
member_text_or_empty(struct jsonw *w, const char *key, const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col)) {
		jsonw_key(w, key);
		jsonw_string(w, "", 0);
	} else {
		member_text(w, key, r, row, col);
	}
}

static bool
row_is(const PGresult *r, int row, const char *k)
{
	return strcmp(PQgetvalue(r, row, L_K), k) == 0;
}

/* One department of activity_card.departments (sql/021): `id TAB name`,
 * the name escaped by app_card_field. False: not that form. */
static bool
list_department(struct jsonw *w, const char *line, size_t len)
{
	const char *tab = memchr(line, '\t', len);
	/* A name is at most 100 characters (sql/001), 400 bytes escaped. */
	char name[1024];
	size_t n;

	if (tab == NULL || (n = len - (size_t)(tab + 1 - line)) > sizeof name)
		return false;
	jsonw_object(w);
	jsonw_key(w, "id");
	jsonw_int(w, strtoll(line, NULL, 10));
	jsonw_key(w, "name");
	jsonw_string(w, name, text_unescape(tab + 1, n, name));
	jsonw_end(w);
	return true;
}

/* The departments of the item at row i, in their order. */
static bool
list_departments(struct jsonw *w, const PGresult *r, int i)
{
	const char *s = PQgetvalue(r, i, L_DEPARTMENTS),
	           *end = s + PQgetlength(r, i, L_DEPARTMENTS);

	jsonw_array(w);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));

		if (nl == NULL)
			nl = end;
		if (!list_department(w, s, (size_t)(nl - s)))
			return false;
		s = nl + 1;
	}
	jsonw_end(w);
	return true;
}

/* One activity of the page: the k 1 row at i. False: its departments
 * are not in sql/021's form. */
static bool
list_item(struct jsonw *w, const PGresult *r, int i)
{
	jsonw_object(w);
	member_int(w, "id", r, i, L_ID);
	member_int(w, "plan_id", r, i, L_PLAN);
	member_text(w, "name", r, i, L_NAME);
	jsonw_key(w, "goal");
	jsonw_object(w);
	member_int(w, "id", r, i, L_GOAL);
	member_int(w, "number", r, i, L_GOAL_NO);
	jsonw_end(w);
	jsonw_key(w, "measure");
	jsonw_object(w);
	member_int(w, "id", r, i, L_MEASURE);
	member_text(w, "code", r, i, L_CODE);
	member_text(w, "name", r, i, L_MEASURE_NAME);
	jsonw_end(w);
	member_int(w, "position", r, i, L_POSITION);
	jsonw_key(w, "departments");
	if (!list_departments(w, r, i))
		return false;
	member_int(w, "fiscal_year", r, i, L_FY);
	member_text(w, "status", r, i, L_STATUS);
	member_text(w, "status_mark", r, i, L_MARK);
	member_text_or_empty(w, "change_reason", r, i, L_REASON);
	member_text_or_empty(w, "result", r, i, L_RESULT);
	member_text_or_empty(w, "plan_next", r, i, L_PLAN_NEXT);
	member_int(w, "version", r, i, L_VERSION);
	/* Only a plan of two scales has them: Nakano's list stays as it was. */
	if (!PQgetisnull(r, i, L_STATUS2)) {
		member_text(w, "status2", r, i, L_STATUS2);
		member_text(w, "status2_mark", r, i, L_MARK2);
	}
	jsonw_end(w);
	return true;
}

/* The list's document from its rows: the header row first (the statement
 * orders it so), then the items.
 * Written straight into one buffer (base/jsonw.h): a json-c tree of the
 * 200 items cost about two thirds of the worker's time for the list. */
static enum db_rc
list_render(const PGresult *r, const struct db_activity_filter *f, char **json)
{
	struct jsonw w;
	int i, n = PQntuples(r);

	if (n < 1 || PQnfields(r) != L_NCOLS || !row_is(r, 0, "0"))
		return DB_BUG;
	/* About 600 bytes an item (the seed's 105 make 63 KB): one allocation
	 * for most pages. */
	jsonw_init(&w, 4096 + (size_t)n * 700);
	jsonw_object(&w);
	jsonw_key(&w, "items");
	jsonw_array(&w);
	for (i = 1; i < n; i++) {
		if (!list_item(&w, r, i)) {
			log_error("activity_card.departments of activity %s is not id TAB name",
			          PQgetvalue(r, i, L_ID));
			free(jsonw_finish(&w, NULL));
			return DB_BUG;
		}
	}
	jsonw_end(&w);
	member_int(&w, "total", r, 0, L_ID);
	jsonw_key(&w, "limit");
	jsonw_int(&w, f->limit);
	jsonw_key(&w, "offset");
	jsonw_int(&w, f->offset);
	member_int(&w, "fiscal_year", r, 0, L_FY);
	jsonw_end(&w);
	if ((*json = jsonw_finish(&w, NULL)) == NULL) {
		log_error("out of memory");
		return DB_BUG;
	}
	return DB_OK;
}

/* The statement for the filters of f (see ACTIVITY_LIST). */
static const char *
list_stmt(const struct db_activity_filter *f, const char *q)
{
	const char *one = "activity_list";
	int n = 0;

	if (f->plan != 0)
		n++, one = "activity_list_plan";
	if (f->goal != 0)
		n++, one = "activity_list_goal";
	if (f->measure != NULL)
		n++, one = "activity_list_measure";
	if (f->department != 0)
		n++, one = "activity_list_department";
	if (f->status != NULL)
		n++, one = "activity_list_status";
	if (q != NULL)
		n++, one = "activity_list_q";
	return n > 1 ? "activity_list_any" : one;
}

enum db_rc
db_activity_list(struct db *db, const struct db_activity_filter *f, char **json)
{
	char plan[24], goal[24], dept[24], fy[24], limit[24], offset[24];
	const char *q = f->q != NULL && f->q[0] != '\0' ? f->q : NULL; /* empty: no search */
	const char *p[9] = {
	    dbi_opt(plan, f->plan),
	    dbi_opt(goal, f->goal),
	    f->measure,
	    dbi_opt(dept, f->department),
	    f->status,
	    dbi_opt(fy, f->fiscal_year),
	    q,
	    dbi_int(limit, f->limit),
	    dbi_int(offset, f->offset),
	};
	PGresult *r;
	enum db_rc rc;

	*json = NULL;
	/* A search too runs prepared: its plan is the same for a rare and a
	 * common text (the year's matching texts by the trigram index, then
	 * their activities), so planning it for each text, as it once was
	 * (PQexecParams), cost 2 to 3 ms a call for nothing. */
	rc = dbi_rows_repeatable(db, list_stmt(f, q), 9, p, &r);
	if (rc != DB_OK)
		return rc;
	rc = list_render(r, f, json);
	PQclear(r);
	return rc;
}

enum db_rc
db_activity_get(struct db *db, int64_t id, char **json)
{
	char s[24];
	const char *p[1] = {dbi_int(s, id)};

	return dbi_json(db, "activity_get", 1, p, json);
}

enum db_rc
db_department_list(struct db *db, char **json)
{
	return dbi_json(db, "department_list", 0, NULL, json);
}
