/* The SQL of a plan dataset import: each row through a parameterized
 * statement, so the database's constraints check every value once more and
 * the audit trigger records each row under the channel "import". */
#include "dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "log.h"

#define IMPORT_LOCK "7311002" /* pg_advisory_xact_lock key of this job */

/* clang-format off */
const struct db_stmt db_dataset_stmts[] = {
    {"dataset_lock", "SELECT pg_advisory_xact_lock(" IMPORT_LOCK ")", 0},
    {"dataset_plan_count", "SELECT count(*) FROM plan", 0},
    {"dataset_plan_exists", "SELECT 1 FROM plan WHERE title = $1", 1},
    /* $5 the plan's own definition (NULL: the default scheme, or $6's);
     * $6 a plan whose scheme this one shares (the timeline's draft). */
    {"dataset_plan",
     "INSERT INTO plan (title, state, adopted_month, report_fiscal_year, scheme_id)"
     " VALUES ($1, $2, $3::date, $4, coalesce((SELECT scheme_id FROM plan WHERE id = $6::int),"
     "  CASE WHEN $5::jsonb IS NULL THEN 1 ELSE scheme_create($5::jsonb) END)) RETURNING id",
     6},
    {"dataset_goal",
     "INSERT INTO goal (plan_id, number, title) VALUES ($1, $2, $3) RETURNING id", 3},
    {"dataset_measure",
     "INSERT INTO measure (plan_id, goal_id, policy, number, code, name)"
     " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
     6},
    {"dataset_measure_relisted", "UPDATE measure SET relisted_from_id = $2 WHERE id = $1", 2},
    /* Departments are shared by every plan: reuse one of the same name. */
    {"dataset_department",
     "WITH new AS (INSERT INTO department (name) VALUES ($1)"
     "             ON CONFLICT (name) DO NOTHING RETURNING id)"
     " SELECT id FROM new UNION ALL SELECT id FROM department WHERE name = $1",
     1},
    {"dataset_activity",
     "INSERT INTO activity (plan_id, measure_id, name) VALUES ($1, $2, $3) RETURNING id", 3},
    {"dataset_placement",
     "INSERT INTO placement (measure_id, position, activity_id, relisted, label,"
     " show_departments) VALUES ($1, $2, $3, $4, $5, $6)",
     6},
    {"dataset_activity_department",
     "INSERT INTO activity_department (activity_id, department_id, position)"
     " VALUES ($1, $2, $3)",
     3},
    {"dataset_activity_year",
     "INSERT INTO activity_year (activity_id, fiscal_year, status, change_reason, result,"
     " plan_next, status2) VALUES ($1, $2, $3, $4, $5, $6, $7)",
     7},
    {"dataset_footnote", "INSERT INTO footnote (plan_id, mark, body) VALUES ($1, $2, $3)", 3},
    {"dataset_indicator",
     "INSERT INTO indicator (plan_id, goal_id, position, name, unit)"
     " VALUES ($1, $2, $3, $4, $5) RETURNING id",
     5},
    {"dataset_indicator_footnote",
     "INSERT INTO indicator_footnote (indicator_id, plan_id, mark) VALUES ($1, $2, $3)", 3},
    {"dataset_indicator_value",
     "INSERT INTO indicator_value (indicator_id, fiscal_year, kind, value, value_text)"
     " VALUES ($1, $2, $3, $4::numeric, $5)",
     5},
    {"dataset_milestone",
     "INSERT INTO milestone (plan_id, position, title, planned_month, planned_text, open_ended)"
     " VALUES ($1, $2, $3, $4::date, $5, $6)",
     6},
    {NULL, NULL, 0},
};
/* clang-format on */

/* One import: the dataset, and the ids the database gave its rows. */
struct imp {
	struct db *db;
	const struct dataset *ds;
	struct db_dataset_import *opt;
	char plan[24];
	int *goal_ids, *measure_ids, *activity_ids, *positions;
};

/* Runs stmt; when id is given, the first column of the one row it returns.
 * what names the row for the caller's message ("1-1-①"). */
static enum db_rc
imp_run(struct imp *im, const char *what, const char *stmt, int n, const char *const *params,
        int *id)
{
	PGresult *r;
	enum db_rc rc = dbi_rows(im->db, stmt, n, params, &r);

	if (rc == DB_OK && id != NULL) {
		if (PQntuples(r) == 1)
			*id = atoi(PQgetvalue(r, 0, 0));
		else
			rc = DB_BUG;
	}
	PQclear(r);
	if (rc != DB_OK)
		im->opt->refused = what;
	return rc;
}

static int
goal_id(const struct imp *im, int number)
{
	size_t i;

	for (i = 0; i < im->ds->ngoals; i++)
		if (im->ds->goals[i].number == number)
			return im->goal_ids[i];
	return 0; /* unreachable: the dataset checked every goal reference */
}

static enum db_rc
imp_plan(struct imp *im)
{
	const struct dataset *ds = im->ds;
	char month[16], fy[24];
	const char *p[6] = {ds->title,       "adopted", month, dbi_int(fy, ds->report_fiscal_year),
	                    ds->scheme_json, NULL};
	enum db_rc rc;
	int id;

	snprintf(month, sizeof month, "%04d-%02d-01", ds->adopted_year, ds->adopted_month);
	if ((rc = imp_run(im, "plan", "dataset_plan", 6, p, &id)) == DB_OK)
		dbi_int(im->plan, id);
	return rc;
}

static enum db_rc
imp_goals(struct imp *im)
{
	char n[24];
	enum db_rc rc = DB_OK;
	size_t i;

	for (i = 0; rc == DB_OK && i < im->ds->ngoals; i++) {
		const char *p[3] = {im->plan, dbi_int(n, im->ds->goals[i].number),
		                    im->ds->goals[i].title};

		rc = imp_run(im, "goal", "dataset_goal", 3, p, &im->goal_ids[i]);
	}
	return rc;
}

static enum db_rc
imp_measures(struct imp *im)
{
	char g[24], pol[24], n[24], id[24], from[24];
	enum db_rc rc = DB_OK;
	size_t i;

	for (i = 0; rc == DB_OK && i < im->ds->nmeasures; i++) {
		const struct ds_measure *m = &im->ds->measures[i];
		const char *p[6] = {im->plan,
		                    dbi_int(g, goal_id(im, m->goal)),
		                    dbi_int(pol, m->policy),
		                    dbi_int(n, m->number),
		                    m->code,
		                    m->name};

		rc = imp_run(im, m->code, "dataset_measure", 6, p, &im->measure_ids[i]);
	}
	/* A second pass: a measure may re-list one that comes after it. */
	for (i = 0; rc == DB_OK && i < im->ds->nmeasures; i++) {
		const struct ds_measure *m = &im->ds->measures[i];
		const char *p[2] = {dbi_int(id, im->measure_ids[i]), from};

		if (m->relisted_from < 0)
			continue;
		dbi_int(from, im->measure_ids[m->relisted_from]);
		rc = imp_run(im, m->code, "dataset_measure_relisted", 2, p, NULL);
	}
	return rc;
}

static enum db_rc
imp_departments(struct imp *im, size_t row)
{
	const struct ds_activity *a = &im->ds->activities[row];
	char aid[24], did[24], pos[24];
	const char *p[3] = {aid, did, pos};
	enum db_rc rc = DB_OK;
	int dept;
	size_t i;

	dbi_int(aid, im->activity_ids[row]);
	for (i = 0; rc == DB_OK && i < a->ndepartments; i++) {
		rc = imp_run(im, a->departments[i], "dataset_department", 1, &a->departments[i],
		             &dept);
		if (rc != DB_OK)
			break;
		dbi_int(did, dept);
		dbi_int(pos, (int64_t)i + 1);
		rc = imp_run(im, a->name, "dataset_activity_department", 3, p, NULL);
	}
	return rc;
}

/* The report's year and the one before: the earlier year holds only the
 * result the report reprints; statuses belong to the report year. */
static enum db_rc
imp_years(struct imp *im, size_t row)
{
	const struct ds_activity *a = &im->ds->activities[row];
	char aid[24], prev[24], fy[24];
	const char *p1[7] = {aid, prev, NULL, "", a->result_prev, "", NULL};
	const char *p2[7] = {aid,       fy,           a->status, a->change_reason,
	                     a->result, a->plan_next, a->status2};
	enum db_rc rc;

	dbi_int(aid, im->activity_ids[row]);
	dbi_int(prev, im->ds->report_fiscal_year - 1);
	dbi_int(fy, im->ds->report_fiscal_year);
	if ((rc = imp_run(im, a->name, "dataset_activity_year", 7, p1, NULL)) != DB_OK)
		return rc;
	return imp_run(im, a->name, "dataset_activity_year", 7, p2, NULL);
}

/* The entry's place in its measure's table, counting re-listed rows too. */
static void
imp_positions(struct imp *im)
{
	size_t i, j;

	for (i = 0; i < im->ds->nactivities; i++) {
		im->positions[i] = 1;
		for (j = 0; j < i; j++)
			im->positions[i] +=
			    im->ds->activities[j].measure == im->ds->activities[i].measure;
	}
}

static enum db_rc
imp_reported(struct imp *im, size_t row)
{
	const struct ds_activity *a = &im->ds->activities[row];
	char mid[24], aid[24], pos[24];
	const char *pa[3] = {im->plan, mid, a->name};
	const char *pp[6] = {mid, dbi_int(pos, im->positions[row]), aid, "false", NULL, "true"};
	enum db_rc rc;

	dbi_int(mid, im->measure_ids[a->measure]);
	if ((rc = imp_run(im, a->name, "dataset_activity", 3, pa, &im->activity_ids[row])) != DB_OK)
		return rc;
	dbi_int(aid, im->activity_ids[row]);
	if ((rc = imp_run(im, a->name, "dataset_placement", 6, pp, NULL)) != DB_OK ||
	    (rc = imp_departments(im, row)) != DB_OK)
		return rc;
	return imp_years(im, row);
}

/* A re-listing (再掲) places the reported activity under a second measure;
 * the label keeps the name as printed there when it differs. */
static enum db_rc
imp_relisted(struct imp *im, size_t row)
{
	const struct ds_activity *a = &im->ds->activities[row];
	const struct ds_activity *home = &im->ds->activities[a->relisted_of];
	char mid[24], aid[24], pos[24];
	const char *p[6] = {dbi_int(mid, im->measure_ids[a->measure]),
	                    dbi_int(pos, im->positions[row]),
	                    dbi_int(aid, im->activity_ids[a->relisted_of]),
	                    "true",
	                    strcmp(a->name, home->name) != 0 ? a->name : NULL,
	                    a->ndepartments > 0 ? "true" : "false"};

	return imp_run(im, a->name, "dataset_placement", 6, p, NULL);
}

static enum db_rc
imp_activities(struct imp *im)
{
	enum db_rc rc = DB_OK;
	size_t i;

	imp_positions(im);
	for (i = 0; rc == DB_OK && i < im->ds->nactivities; i++)
		if (im->ds->activities[i].relisted_of < 0)
			rc = imp_reported(im, i);
	for (i = 0; rc == DB_OK && i < im->ds->nactivities; i++)
		if (im->ds->activities[i].relisted_of >= 0)
			rc = imp_relisted(im, i);
	return rc;
}

static enum db_rc
imp_values(struct imp *im, const char *iid, const char *kind, const struct ds_value *v, size_t n,
           const char *what)
{
	enum db_rc rc = DB_OK;
	char fy[24];
	size_t i;

	for (i = 0; rc == DB_OK && i < n; i++) {
		const char *p[5] = {iid, dbi_int(fy, v[i].fiscal_year), kind, v[i].number,
		                    v[i].text};

		rc = imp_run(im, what, "dataset_indicator_value", 5, p, NULL);
	}
	return rc;
}

static enum db_rc
imp_indicator(struct imp *im, size_t i)
{
	const struct dataset *ds = im->ds;
	const struct ds_indicator *d = &ds->indicators[i];
	char gid[24], pos[24], iid[24];
	const char *p[5] = {im->plan, dbi_int(gid, goal_id(im, d->goal)), pos, d->name, d->unit};
	enum db_rc rc;
	int id, position;
	size_t j;

	/* Position within its goal, in the order the report prints them. */
	for (position = 1, j = 0; j < i; j++)
		position += ds->indicators[j].goal == d->goal;
	dbi_int(pos, position);
	if ((rc = imp_run(im, d->name, "dataset_indicator", 5, p, &id)) != DB_OK)
		return rc;
	dbi_int(iid, id);
	for (j = 0; j < d->nnotes; j++) {
		const char *pn[3] = {iid, im->plan, d->notes[j]};

		if ((rc = imp_run(im, d->name, "dataset_indicator_footnote", 3, pn, NULL)) != DB_OK)
			return rc;
	}
	if ((rc = imp_values(im, iid, "actual", d->actuals, d->nactuals, d->name)) != DB_OK)
		return rc;
	return imp_values(im, iid, "target", d->targets, d->ntargets, d->name);
}

static enum db_rc
imp_indicators(struct imp *im)
{
	const struct dataset *ds = im->ds;
	enum db_rc rc = DB_OK;
	size_t i;

	for (i = 0; rc == DB_OK && i < ds->nfootnotes; i++) {
		const char *p[3] = {im->plan, ds->footnotes[i].mark, ds->footnotes[i].text};

		rc = imp_run(im, ds->footnotes[i].mark, "dataset_footnote", 3, p, NULL);
	}
	for (i = 0; rc == DB_OK && i < ds->nindicators; i++)
		rc = imp_indicator(im, i);
	return rc;
}

/* The timeline drafts the next plan: a plan of its own, in state draft. */
static enum db_rc
imp_timeline(struct imp *im, const char *title)
{
	const char *pp[6] = {title, "draft", NULL, NULL, NULL, im->plan[0] ? im->plan : NULL};
	char plan[24], pos[24], month[16];
	enum db_rc rc;
	size_t i;
	int id;

	if (im->ds->ntimeline == 0)
		return DB_OK;
	if ((rc = imp_run(im, title, "dataset_plan", 6, pp, &id)) != DB_OK)
		return rc;
	dbi_int(plan, id);
	for (i = 0; rc == DB_OK && i < im->ds->ntimeline; i++) {
		const struct ds_milestone *m = &im->ds->timeline[i];
		const char *p[6] = {plan,         dbi_int(pos, (int64_t)i + 1),    m->item, month,
		                    m->date_text, m->open_ended ? "true" : "false"};

		snprintf(month, sizeof month, "%04d-%02d-01", m->year, m->month);
		rc = imp_run(im, m->item, "dataset_milestone", 6, p, NULL);
	}
	return rc;
}

/* Whether a plan titled title exists: DB_OK (no), DB_DENIED (yes, named in
 * opt->existing), or the failure of the query. */
static enum db_rc
imp_title_free(struct imp *im, const char *title)
{
	PGresult *r;
	enum db_rc rc;

	if ((rc = dbi_rows(im->db, "dataset_plan_exists", 1, &title, &r)) != DB_OK)
		return rc;
	if (PQntuples(r) > 0) {
		im->opt->existing = title;
		rc = DB_DENIED;
	}
	PQclear(r);
	return rc;
}

/* Inside the transaction. DB_OK with plan_id 0 when if_empty found a plan;
 * otherwise the first outcome that is not DB_OK ends it (dbi_tx rolls
 * back). */
static enum db_rc
import_tx(struct db *db, void *arg)
{
	struct imp *im = arg;
	const struct db_dataset_import *opt = im->opt;
	PGresult *r;
	enum db_rc rc;
	bool held;

	if ((rc = dbi_do(db, "dataset_lock", 0, NULL)) != DB_OK)
		return rc;
	if (opt->if_empty) {
		if ((rc = dbi_rows(db, "dataset_plan_count", 0, NULL, &r)) != DB_OK)
			return rc;
		held = strcmp(PQgetvalue(r, 0, 0), "0") != 0;
		PQclear(r);
		if (held)
			return DB_OK; /* nothing written: the commit is empty */
	}
	if ((rc = imp_title_free(im, im->ds->title)) != DB_OK ||
	    (opt->timeline_plan != NULL && (rc = imp_title_free(im, opt->timeline_plan)) != DB_OK))
		return rc;
	if ((rc = imp_plan(im)) != DB_OK || (rc = imp_goals(im)) != DB_OK ||
	    (rc = imp_measures(im)) != DB_OK || (rc = imp_activities(im)) != DB_OK ||
	    (rc = imp_indicators(im)) != DB_OK)
		return rc;
	if (opt->timeline_plan != NULL && (rc = imp_timeline(im, opt->timeline_plan)) != DB_OK)
		return rc;
	im->opt->plan_id = atoi(im->plan);
	return DB_OK;
}

/* Returns what dbi_tx returns for import_tx (see dataset.h); DB_BUG without
 * a refused row when the id arrays cannot be allocated. */
enum db_rc
db_dataset_import(struct db *db, const struct dataset *ds, struct db_dataset_import *opt)
{
	struct imp im = {.db = db, .ds = ds, .opt = opt};
	enum db_rc rc = DB_BUG;

	opt->plan_id = 0, opt->existing = NULL, opt->refused = NULL;
	im.goal_ids = calloc(ds->ngoals + 1, sizeof(int));
	im.measure_ids = calloc(ds->nmeasures + 1, sizeof(int));
	im.activity_ids = calloc(ds->nactivities + 1, sizeof(int));
	im.positions = calloc(ds->nactivities + 1, sizeof(int));
	if (im.goal_ids == NULL || im.measure_ids == NULL || im.activity_ids == NULL ||
	    im.positions == NULL)
		log_error("import: out of memory");
	else
		rc = dbi_tx(db, 0, "import", false, import_tx, &im);
	if (rc != DB_OK)
		opt->plan_id = 0;
	free(im.goal_ids);
	free(im.measure_ids);
	free(im.activity_ids);
	free(im.positions);
	return rc;
}
