/* GET /api/reports/{fy}/progress.csv and …/progress.xlsx: the appendix
 * table (別紙) of a fiscal year's report as files, 113 rows for FY2024
 * including the re-listed (再掲) rows in their places. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "handlers.h"
#include "valid.h"

static const struct http_qfield export_params[] = {{"plan", valid_id}};

typedef char *(*export_fn)(const struct export_table *t, size_t *len);

/* Validates ?plan= and runs stmt for ({fy}, plan); fy receives the year as
 * text. Returns the result, or NULL with res set (400, 503). */
static PGresult *
export_query(struct http_request *req, struct db *db, const char *stmt, char fy[24],
             struct http_response *res)
{
	struct http_qresult q[1];
	char plan[24];
	const char *p[2];
	PGresult *r;

	if (http_query_validate(req, export_params, 1, q, res) != 0)
		return NULL;
	if (db_ensure(db, app_statements) != 0) {
		http_error_db(res);
		return NULL;
	}
	p[0] = h_param_int(fy, true, req->captures[0]);
	p[1] = h_param_int(plan, q[0].present, q[0].v.i);
	if ((r = db_exec(db, stmt, 2, p)) != NULL && db_ok(r))
		return r;
	PQclear(r);
	http_error_db(res);
	return NULL;
}

static void
export_answer(struct http_request *req, struct db *db, struct http_response *res, export_fn write,
              const char *type, const char *ext)
{
	struct export_table t = {0};
	char fy[24], disposition[96];
	const char **cells = NULL;
	PGresult *r;
	char *data = NULL;
	size_t len = 0, i;
	int c;

	if ((r = export_query(req, db, "export_rows", fy, res)) == NULL)
		return;
	t.fiscal_year = (int)req->captures[0];
	t.nrows = (size_t)PQntuples(r);
	if (t.nrows == 0) {
		http_error(res, 404, "not_found", NULL, "no plan to report for fiscal year %s", fy);
	} else if ((cells = calloc(t.nrows * EXPORT_COLUMNS, sizeof *cells)) != NULL) {
		for (i = 0; i < t.nrows; i++)
			for (c = 0; c < EXPORT_COLUMNS; c++)
				cells[i * EXPORT_COLUMNS + c] = PQgetvalue(r, (int)i, c);
		t.cells = cells;
		data = write(&t, &len);
	}
	if (t.nrows > 0 && data == NULL) {
		http_error(res, 500, "internal", NULL, "the file could not be written");
	} else if (data != NULL) {
		snprintf(disposition, sizeof disposition,
		         "attachment; filename=\"shinchoku-progress-%s.%s\"", fy, ext);
		http_add_header(res, "Content-Disposition", disposition);
		http_body(res, 200, type, data, len);
	}
	free(cells);
	PQclear(r);
}

void
h_reports_csv(struct http_request *req, struct db *db, struct http_response *res)
{
	export_answer(req, db, res, export_csv, "text/csv; charset=utf-8", "csv");
}

void
h_reports_xlsx(struct http_request *req, struct db *db, struct http_response *res)
{
	export_answer(req, db, res, export_xlsx,
	              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx");
}

/* GET /api/reports/{fy}/appendix: the same table as JSON, for the page. */
void
h_reports_appendix(struct http_request *req, struct db *db, struct http_response *res)
{
	char fy[24];
	PGresult *r;
	char *body;

	if ((r = export_query(req, db, "export_json", fy, res)) == NULL)
		return;
	if (strcmp(PQgetvalue(r, 0, 1), "0") == 0)
		http_error(res, 404, "not_found", NULL, "no plan to report for fiscal year %s", fy);
	else if ((body = strdup(PQgetvalue(r, 0, 0))) == NULL)
		http_error(res, 500, "internal", NULL, "out of memory");
	else
		http_json_text(res, 200, body);
	PQclear(r);
}
