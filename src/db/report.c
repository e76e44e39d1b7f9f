/* SQL of the council report: the summary (table 1), the appendix table
 * (別紙) and the differences. The table itself is report_table() (the closed
 * round's snapshot, else report_appendix(); sql/003 and 005), shared by the
 * files and the printable page; era names come from fiscal_era() only. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* SQL reads better laid out by hand. */
/* clang-format off */
const struct db_stmt db_report_stmts[] = {
    /* Table 1 of the report: activities with a record for the year, by
     * status. $1 fiscal year, $2 plan (NULL: the reporting plan,
     * report_plan). A year whose round closed counts from its snapshot
     * (確定版). */
    {"report_summary",
     "WITH snap AS (SELECT round_id, taken_at, appendix FROM report_snapshot"
     "              WHERE fiscal_year = $1 AND ($2::int IS NULL OR plan_id = $2)),"
     " p AS (SELECT report_plan($1, $2) AS id),"
     " sc AS (SELECT coalesce((SELECT scheme_id FROM plan, p WHERE plan.id = p.id), 1) AS id),"
     /* Counted once per status (an index-only scan of activity_year_fy_idx
      * for a live year), not scanned once for each figure. */
     " y AS (SELECT r.status, r.status2, count(*) AS n"
     "       FROM snap, jsonb_populate_recordset(NULL::report_row, snap.appendix) r"
     "       WHERE NOT r.relisted GROUP BY r.status, r.status2"
     "       UNION ALL"
     "       SELECT y.status, y.status2, count(*) FROM activity_year y"
     "       JOIN activity a ON a.id = y.activity_id"
     "       WHERE y.fiscal_year = $1 AND a.plan_id = (SELECT id FROM p)"
     "         AND NOT EXISTS (SELECT 1 FROM snap) GROUP BY y.status, y.status2),"
     /* Each record counted once per scale (sql/015): its value of that
      * scale; per below reads scale 2 only for a plan that names one. */
     " v AS (SELECT 1 AS scale, y.status AS status, y.n FROM y"
     "       UNION ALL SELECT 2, y.status2, y.n FROM y),"
     /* Per scale: the levels of the plan's scale (sql/014), in its order. */
     " per AS (SELECT k.scale, k.name, (SELECT json_agg(json_build_object('status', s.key,"
     "   'mark', s.mark, 'label', s.label, 'count', (SELECT coalesce(sum(n), 0)::bigint FROM v"
     "   WHERE v.scale = k.scale AND v.status = s.key)) ORDER BY s.position)"
     "   FROM progress_status s, sc WHERE s.scheme_id = sc.id AND s.scale = k.scale) AS counts,"
     "  (SELECT coalesce(sum(v.n), 0)::bigint FROM v, progress_status s"
     "   WHERE s.scheme_id = sc.id AND s.key = v.status AND v.scale = k.scale"
     "     AND s.counts_as_late) AS late,"
     "  (SELECT coalesce(sum(n), 0)::bigint FROM v WHERE v.scale = k.scale AND v.status IS NULL)"
     "   AS unset"
     "  FROM sc, scheme h, LATERAL (VALUES (1, h.scale_name), (2, h.scale2_name)) k(scale, name)"
     "  WHERE h.id = sc.id AND k.name IS NOT NULL) "
     "SELECT json_build_object('fiscal_year', $1::int, 'era', fiscal_era($1),"
     " 'plan_id', (SELECT id FROM p), 'scale_name', (SELECT t.scale_name FROM p, plan_terms(p.id) t),"
     " 'counts', (SELECT counts FROM per WHERE scale = 1),"
     " 'late', (SELECT late FROM per WHERE scale = 1),"
     " 'unset', (SELECT unset FROM per WHERE scale = 1),"
     " 'scales', (SELECT json_agg(json_build_object('scale', scale, 'name', name, 'counts', counts,"
     "   'late', late, 'unset', unset) ORDER BY scale) FROM per),"
     " 'total', (SELECT coalesce(sum(n), 0)::bigint FROM y),"
     " 'snapshot', (SELECT json_build_object('round_id', round_id, 'taken_at', taken_at)"
     "   FROM snap))::text",
     2},
    /* The appendix for the page; NULL (no row) when there is nothing to
     * report. $1 fiscal year, $2 plan (NULL: the reporting plan). */
    {"report_appendix",
     "SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_build_object('fiscal_year', $1::int,"
     " 'era', fiscal_era($1),"
     " 'snapshot', (SELECT json_build_object('round_id', s.round_id, 'taken_at', s.taken_at)"
     "   FROM report_snapshot s WHERE s.fiscal_year = $1"
     "   AND ($2::int IS NULL OR s.plan_id = $2)),"
     " 'items', coalesce(json_agg(json_build_object('seq', x.seq, 'goal', x.goal_number,"
     "   'measure_id', x.measure_id, 'measure_code', x.measure_code,"
     "   'measure_name', x.measure_name, 'activity', x.activity, 'activity_id', x.activity_id,"
     "   'status', x.status, 'status_mark', x.status_mark, 'status2', x.status2,"
     "   'status2_mark', x.status2_mark, 'change_reason', x.change_reason,"
     "   'result_prev', x.result_prev, 'result', x.result, 'plan_next', x.plan_next,"
     "   'departments', x.departments, 'relisted', x.relisted,"
     "   'reported_under', x.reported_under, 'version', x.version) ORDER BY x.seq), '[]'))::text"
     " END FROM report_table($1, $2) x",
     2},
    /* The files: first the header (always; ord 0: the Japanese titles of the
     * columns, the sheet's name), then the rows in the columns of the CSV.
     * $1 fiscal year, $2 plan (NULL: the reporting plan). */
    {"report_export",
     /* The plan's terms name the columns (plan_terms, sql/014); the second
      * scale's title (sql/015) is NULL for a plan with one scale, and
      * db_report_export then drops that column. */
     "SELECT 0::bigint AS ord, '番号', t.coded || '番号', t.coded, t.row_level, t.scale_name,"
     " t.scale2_name, 'スケジュールの変更理由', fiscal_era($1::int - 1) || ' 取組結果',"
     " fiscal_era($1::int) || ' 取組結果', fiscal_era($1::int + 1) || '以降の取組予定', '所管課',"
     " fiscal_era($1::int) || ' 別紙' FROM plan_terms(report_plan($1::int, $2::int)) t "
     "UNION ALL "
     "SELECT seq, seq::text, measure_code, measure_name, activity, status_mark,"
     " coalesce(status2_mark, ''), change_reason, result_prev, result, plan_next, departments,"
     " NULL FROM report_table($1::int, $2::int) "
     "ORDER BY 1",
     2},
    /* Cells of the closed year's snapshot that differ from the records now. */
    {"report_differences",
     "WITH s AS (SELECT * FROM report_table($1, NULL)),"
     " l AS (SELECT * FROM report_appendix($1, NULL)),"
     " d AS (SELECT s.seq, s.activity_id, s.measure_code, s.activity, c.col, c.was, c.now"
     "   FROM s JOIN l ON l.seq = s.seq, LATERAL (VALUES"
     "    ('status', s.status_mark, l.status_mark), ('change_reason', s.change_reason, l.change_reason),"
     "    ('result_prev', s.result_prev, l.result_prev), ('result', s.result, l.result),"
     "    ('plan_next', s.plan_next, l.plan_next), ('departments', s.departments, l.departments),"
     "    ('activity', s.activity, l.activity)) AS c(col, was, now)"
     "   WHERE c.was IS DISTINCT FROM c.now)"
     " SELECT json_build_object('fiscal_year', $1::int, 'era', fiscal_era($1),"
     " 'snapshot', (SELECT json_build_object('round_id', round_id, 'taken_at', taken_at)"
     "   FROM report_snapshot WHERE fiscal_year = $1),"
     " 'items', coalesce((SELECT json_agg(json_build_object('seq', seq, 'activity_id', activity_id,"
     "   'measure_code', measure_code, 'activity', activity, 'column', col, 'snapshot', was,"
     "   'current', now) ORDER BY seq, col) FROM d), '[]'))::text",
     1},
    {NULL, NULL, 0},
};
/* clang-format on */

enum db_rc
db_report_summary(struct db *db, int64_t fiscal_year, int64_t plan, char **json)
{
	char fy[24], pl[24];
	const char *p[2] = {dbi_int(fy, fiscal_year), dbi_opt(pl, plan)};

	return dbi_json(db, "report_summary", 2, p, json);
}

enum db_rc
db_report_appendix(struct db *db, int64_t fiscal_year, int64_t plan, char **json)
{
	char fy[24], pl[24];
	const char *p[2] = {dbi_int(fy, fiscal_year), dbi_opt(pl, plan)};

	return dbi_json(db, "report_appendix", 2, p, json);
}

enum db_rc
db_report_differences(struct db *db, int64_t fiscal_year, char **json)
{
	char fy[24];
	const char *p[1] = {dbi_int(fy, fiscal_year)};

	return dbi_json(db, "report_differences", 1, p, json);
}

/* Column 0 of report_export is the order; 1..11 the cells (6: the second
 * scale); 12 the sheet. */
enum { X_ORD, X_CELLS, X_STATUS2 = X_CELLS + 5, X_SHEET = X_CELLS + DB_EXPORT_COLUMNS_MAX, X_N };

/* A plan with one scale: the files keep their 10 columns, byte for byte as
 * before sql/015, so the second scale's cell is taken out of each row. */
static void
drop_status2(struct db_export *out)
{
	const size_t at = X_STATUS2 - X_CELLS, n = DB_EXPORT_COLUMNS_MAX;
	size_t i, c, w = 0;

	memmove(out->titles + at, out->titles + at + 1, (n - at - 1) * sizeof *out->titles);
	for (i = 0; i < out->nrows; i++)
		for (c = 0; c < n; c++)
			if (c != at)
				out->cells[w++] = out->cells[i * n + c];
	out->ncols = n - 1;
}

enum db_rc
db_report_export(struct db *db, int64_t fiscal_year, int64_t plan, struct db_export *out)
{
	char fy[24], pl[24];
	const char *p[2] = {dbi_int(fy, fiscal_year), dbi_opt(pl, plan)};
	PGresult *r;
	enum db_rc rc;

	memset(out, 0, sizeof *out);
	rc = dbi_table(db, "report_export", 2, p, DB_EXPORT_COLUMNS_MAX, out->titles, &out->cells,
	               &out->nrows, &r);
	if (rc != DB_OK)
		return rc;
	/* A header row alone: nothing to report. */
	if (out->nrows == 0 || PQnfields(r) != X_N) {
		free(out->cells);
		PQclear(r);
		memset(out, 0, sizeof *out);
		return DB_MISSING;
	}
	out->ncols = DB_EXPORT_COLUMNS_MAX;
	if (PQgetisnull(r, 0, X_STATUS2))
		drop_status2(out);
	out->sheet = PQgetvalue(r, 0, X_SHEET);
	out->owner = r;
	return DB_OK;
}

void
db_export_free(struct db_export *e)
{
	free(e->cells);
	PQclear(e->owner);
	memset(e, 0, sizeof *e);
}
