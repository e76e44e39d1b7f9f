/* The importer copies a validated dataset row by row with parameterized
 * statements, so the database's constraints check every value once more and
 * the audit trigger records each row under the channel "import". */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "db.h"
#include "log.h"

#define IMPORT_LOCK "7311002" /* pg_advisory_xact_lock key of this job */

/* clang-format off */
static const char sql_plan_count[] = "SELECT count(*) FROM plan";
static const char sql_plan_exists[] = "SELECT 1 FROM plan WHERE title = $1";
static const char sql_plan[] =
	"INSERT INTO plan (title, state, adopted_month, report_fiscal_year)"
	" VALUES ($1, $2, $3::date, $4) RETURNING id";
static const char sql_goal[] =
	"INSERT INTO goal (plan_id, number, title) VALUES ($1, $2, $3) RETURNING id";
static const char sql_measure[] =
	"INSERT INTO measure (plan_id, goal_id, policy, number, code, name)"
	" VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char sql_measure_relisted[] =
	"UPDATE measure SET relisted_from_id = $2 WHERE id = $1";
/* Departments are shared by every plan: reuse one of the same name. */
static const char sql_department[] =
	"WITH new AS (INSERT INTO department (name) VALUES ($1)"
	"             ON CONFLICT (name) DO NOTHING RETURNING id)"
	" SELECT id FROM new UNION ALL SELECT id FROM department WHERE name = $1";
static const char sql_activity[] =
	"INSERT INTO activity (plan_id, measure_id, name) VALUES ($1, $2, $3) RETURNING id";
static const char sql_placement[] =
	"INSERT INTO placement (measure_id, position, activity_id, relisted, label,"
	" show_departments) VALUES ($1, $2, $3, $4, $5, $6)";
static const char sql_activity_department[] =
	"INSERT INTO activity_department (activity_id, department_id, position)"
	" VALUES ($1, $2, $3)";
static const char sql_activity_year[] =
	"INSERT INTO activity_year (activity_id, fiscal_year, status, change_reason, result,"
	" plan_next) VALUES ($1, $2, $3, $4, $5, $6)";
static const char sql_footnote[] =
	"INSERT INTO footnote (plan_id, mark, body) VALUES ($1, $2, $3)";
static const char sql_indicator[] =
	"INSERT INTO indicator (plan_id, goal_id, position, name, unit)"
	" VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char sql_indicator_footnote[] =
	"INSERT INTO indicator_footnote (indicator_id, plan_id, mark) VALUES ($1, $2, $3)";
static const char sql_indicator_value[] =
	"INSERT INTO indicator_value (indicator_id, fiscal_year, kind, value, value_text)"
	" VALUES ($1, $2, $3, $4::numeric, $5)";
static const char sql_milestone[] =
	"INSERT INTO milestone (plan_id, position, title, planned_month, planned_text, open_ended)"
	" VALUES ($1, $2, $3, $4::date, $5, $6)";
/* clang-format on */

/* One import: the dataset, and the ids the database gave its rows. */
struct imp {
	struct db *db;
	const struct dataset *ds;
	char plan[16];
	int *goal_ids, *measure_ids, *activity_ids, *positions;
};

/* Runs sql; when id is given, the first column of the one row it returns.
 * what names the row for the log ("measures[3]"). */
static int
imp_run(struct imp *im, const char *what, const char *sql, int n, const char *const *params,
        int *id)
{
	PGresult *res = db_query(im->db, sql, n, params);
	int ok = db_ok(res) && (id == NULL || PQntuples(res) == 1);

	if (ok && id != NULL)
		*id = atoi(PQgetvalue(res, 0, 0));
	if (!ok)
		log_error("import: %s was refused by the database", what);
	PQclear(res);
	return ok ? 0 : -1;
}

/* A decimal rendering that lives until the next call with the same buf. */
static const char *
num(char buf[16], int v)
{
	snprintf(buf, 16, "%d", v);
	return buf;
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

static int
imp_plan(struct imp *im)
{
	const struct dataset *ds = im->ds;
	char month[16], fy[16];
	const char *p[4] = {ds->title, "adopted", month, num(fy, ds->report_fiscal_year)};
	int id;

	snprintf(month, sizeof month, "%04d-%02d-01", ds->adopted_year, ds->adopted_month);
	if (imp_run(im, "plan", sql_plan, 4, p, &id) != 0)
		return -1;
	num(im->plan, id);
	return 0;
}

static int
imp_goals(struct imp *im)
{
	char n[16];
	size_t i;

	for (i = 0; i < im->ds->ngoals; i++) {
		const char *p[3] = {im->plan, num(n, im->ds->goals[i].number),
		                    im->ds->goals[i].title};

		if (imp_run(im, "goal", sql_goal, 3, p, &im->goal_ids[i]) != 0)
			return -1;
	}
	return 0;
}

static int
imp_measures(struct imp *im)
{
	char g[16], pol[16], n[16], id[16], from[16];
	size_t i;

	for (i = 0; i < im->ds->nmeasures; i++) {
		const struct ds_measure *m = &im->ds->measures[i];
		const char *p[6] = {im->plan,
		                    num(g, goal_id(im, m->goal)),
		                    num(pol, m->policy),
		                    num(n, m->number),
		                    m->code,
		                    m->name};

		if (imp_run(im, m->code, sql_measure, 6, p, &im->measure_ids[i]) != 0)
			return -1;
	}
	/* A second pass: a measure may re-list one that comes after it. */
	for (i = 0; i < im->ds->nmeasures; i++) {
		const struct ds_measure *m = &im->ds->measures[i];
		const char *p[2] = {num(id, im->measure_ids[i]), from};

		if (m->relisted_from < 0)
			continue;
		num(from, im->measure_ids[m->relisted_from]);
		if (imp_run(im, m->code, sql_measure_relisted, 2, p, NULL) != 0)
			return -1;
	}
	return 0;
}

static int
imp_departments(struct imp *im, size_t row)
{
	const struct ds_activity *a = &im->ds->activities[row];
	char aid[16], did[16], pos[16];
	const char *p[3] = {aid, did, pos};
	int dept;
	size_t i;

	num(aid, im->activity_ids[row]);
	for (i = 0; i < a->ndepartments; i++) {
		if (imp_run(im, a->departments[i], sql_department, 1, &a->departments[i], &dept) !=
		    0)
			return -1;
		num(did, dept);
		num(pos, (int)i + 1);
		if (imp_run(im, a->name, sql_activity_department, 3, p, NULL) != 0)
			return -1;
	}
	return 0;
}

/* The report's year and the one before: the earlier year holds only the
 * result the report reprints; statuses belong to the report year. */
static int
imp_years(struct imp *im, size_t row)
{
	const struct ds_activity *a = &im->ds->activities[row];
	char aid[16], prev[16], fy[16];
	const char *p1[6] = {aid, prev, NULL, "", a->result_prev, ""};
	const char *p2[6] = {aid, fy, a->status, a->change_reason, a->result, a->plan_next};

	num(aid, im->activity_ids[row]);
	num(prev, im->ds->report_fiscal_year - 1);
	num(fy, im->ds->report_fiscal_year);
	if (imp_run(im, a->name, sql_activity_year, 6, p1, NULL) != 0 ||
	    imp_run(im, a->name, sql_activity_year, 6, p2, NULL) != 0)
		return -1;
	return 0;
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

static int
imp_reported(struct imp *im, size_t row)
{
	const struct ds_activity *a = &im->ds->activities[row];
	char mid[16], aid[16], pos[16];
	const char *pa[3] = {im->plan, mid, a->name};
	const char *pp[6] = {mid, num(pos, im->positions[row]), aid, "false", NULL, "true"};

	num(mid, im->measure_ids[a->measure]);
	if (imp_run(im, a->name, sql_activity, 3, pa, &im->activity_ids[row]) != 0)
		return -1;
	num(aid, im->activity_ids[row]);
	if (imp_run(im, a->name, sql_placement, 6, pp, NULL) != 0 ||
	    imp_departments(im, row) != 0 || imp_years(im, row) != 0)
		return -1;
	return 0;
}

/* A re-listing (再掲) places the reported activity under a second measure;
 * the label keeps the name as printed there when it differs. */
static int
imp_relisted(struct imp *im, size_t row)
{
	const struct ds_activity *a = &im->ds->activities[row];
	const struct ds_activity *home = &im->ds->activities[a->relisted_of];
	char mid[16], aid[16], pos[16];
	const char *p[6] = {num(mid, im->measure_ids[a->measure]),
	                    num(pos, im->positions[row]),
	                    num(aid, im->activity_ids[a->relisted_of]),
	                    "true",
	                    strcmp(a->name, home->name) != 0 ? a->name : NULL,
	                    a->ndepartments > 0 ? "true" : "false"};

	return imp_run(im, a->name, sql_placement, 6, p, NULL);
}

static int
imp_activities(struct imp *im)
{
	size_t i;

	imp_positions(im);
	for (i = 0; i < im->ds->nactivities; i++)
		if (im->ds->activities[i].relisted_of < 0 && imp_reported(im, i) != 0)
			return -1;
	for (i = 0; i < im->ds->nactivities; i++)
		if (im->ds->activities[i].relisted_of >= 0 && imp_relisted(im, i) != 0)
			return -1;
	return 0;
}

static int
imp_values(struct imp *im, const char *iid, const char *kind, const struct ds_value *v, size_t n,
           const char *what)
{
	char fy[16];
	size_t i;

	for (i = 0; i < n; i++) {
		const char *p[5] = {iid, num(fy, v[i].fiscal_year), kind, v[i].number, v[i].text};

		if (imp_run(im, what, sql_indicator_value, 5, p, NULL) != 0)
			return -1;
	}
	return 0;
}

static int
imp_indicators(struct imp *im)
{
	const struct dataset *ds = im->ds;
	char gid[16], pos[16], iid[16];
	size_t i, j;
	int id, position;

	for (i = 0; i < ds->nfootnotes; i++) {
		const char *p[3] = {im->plan, ds->footnotes[i].mark, ds->footnotes[i].text};

		if (imp_run(im, ds->footnotes[i].mark, sql_footnote, 3, p, NULL) != 0)
			return -1;
	}
	for (i = 0; i < ds->nindicators; i++) {
		const struct ds_indicator *d = &ds->indicators[i];
		const char *p[5] = {im->plan, num(gid, goal_id(im, d->goal)), pos, d->name,
		                    d->unit};

		/* Position within its goal, in the order the report prints them. */
		for (position = 1, j = 0; j < i; j++)
			position += ds->indicators[j].goal == d->goal;
		num(pos, position);
		if (imp_run(im, d->name, sql_indicator, 5, p, &id) != 0)
			return -1;
		num(iid, id);
		for (j = 0; j < d->nnotes; j++) {
			const char *pn[3] = {iid, im->plan, d->notes[j]};

			if (imp_run(im, d->name, sql_indicator_footnote, 3, pn, NULL) != 0)
				return -1;
		}
		if (imp_values(im, iid, "actual", d->actuals, d->nactuals, d->name) != 0 ||
		    imp_values(im, iid, "target", d->targets, d->ntargets, d->name) != 0)
			return -1;
	}
	return 0;
}

/* The timeline drafts the next plan: a plan of its own, in state draft. */
static int
imp_timeline(struct imp *im, const char *title)
{
	const char *pp[4] = {title, "draft", NULL, NULL};
	char plan[16], pos[16], month[16];
	size_t i;
	int id;

	if (im->ds->ntimeline == 0)
		return 0;
	if (imp_run(im, title, sql_plan, 4, pp, &id) != 0)
		return -1;
	num(plan, id);
	for (i = 0; i < im->ds->ntimeline; i++) {
		const struct ds_milestone *m = &im->ds->timeline[i];
		const char *p[6] = {plan,  num(pos, (int)i + 1), m->item,
		                    month, m->date_text,         m->open_ended ? "true" : "false"};

		snprintf(month, sizeof month, "%04d-%02d-01", m->year, m->month);
		if (imp_run(im, m->item, sql_milestone, 6, p, NULL) != 0)
			return -1;
	}
	return 0;
}

/* 1 when a plan of this title exists (or with if_empty, any plan). */
static int
imp_skip(struct imp *im, const struct import_options *opt, const char *title)
{
	PGresult *res;
	int skip;

	res = opt->if_empty ? db_query(im->db, sql_plan_count, 0, NULL)
	                    : db_query(im->db, sql_plan_exists, 1, &title);
	if (!db_ok(res)) {
		PQclear(res);
		return -1;
	}
	skip = opt->if_empty ? strcmp(PQgetvalue(res, 0, 0), "0") != 0 : PQntuples(res) > 0;
	PQclear(res);
	if (skip && !opt->if_empty)
		log_error("import: a plan titled %s exists already; nothing imported", title);
	return skip;
}

static int
imp_all(struct imp *im, const struct import_options *opt)
{
	int skip;

	if (db_command(im->db, "SELECT pg_advisory_xact_lock(" IMPORT_LOCK ")", 0, NULL) != 0)
		return -1;
	if ((skip = imp_skip(im, opt, im->ds->title)) != 0) {
		if (skip > 0 && opt->if_empty)
			log_info("import: the database holds a plan already; nothing to do");
		return skip > 0 && opt->if_empty ? 1 : -1;
	}
	if (opt->timeline_plan != NULL && imp_skip(im, opt, opt->timeline_plan) != 0)
		return -1;
	if (imp_plan(im) != 0 || imp_goals(im) != 0 || imp_measures(im) != 0 ||
	    imp_activities(im) != 0 || imp_indicators(im) != 0 ||
	    imp_timeline(im, opt->timeline_plan) != 0)
		return -1;
	return 0;
}

int
import_file(struct db *db, const char *path, const struct import_options *opt)
{
	struct imp im = {.db = db};
	struct dataset *ds;
	char err[512];
	int rc;

	if ((ds = dataset_load(path, err, sizeof err)) == NULL) {
		log_error("import: %s: %s", path, err);
		return -1;
	}
	if (ds->ntimeline > 0 && opt->timeline_plan == NULL) {
		log_error("import: %s has a timeline: name the plan it drafts with "
		          "--timeline-plan=TITLE",
		          path);
		dataset_free(ds);
		return -1;
	}
	im.ds = ds;
	im.goal_ids = calloc(ds->ngoals + 1, sizeof(int));
	im.measure_ids = calloc(ds->nmeasures + 1, sizeof(int));
	im.activity_ids = calloc(ds->nactivities + 1, sizeof(int));
	im.positions = calloc(ds->nactivities + 1, sizeof(int));
	rc = -1;
	if (im.goal_ids == NULL || im.measure_ids == NULL || im.activity_ids == NULL ||
	    im.positions == NULL)
		log_error("import: out of memory");
	else if (db_begin(db, 0, "import") == 0)
		rc = imp_all(&im, opt);
	if (rc == 0 && db_command(db, "COMMIT", 0, NULL) == 0)
		log_info("import: %s: plan %s with %zu goals, %zu measures, %zu table rows, "
		         "%zu indicators, %zu milestones",
		         path, im.plan, ds->ngoals, ds->nmeasures, ds->nactivities, ds->nindicators,
		         ds->ntimeline);
	else if (rc != 0)
		db_command(db, "ROLLBACK", 0, NULL);
	else
		rc = -1;
	free(im.goal_ids);
	free(im.measure_ids);
	free(im.activity_ids);
	free(im.positions);
	dataset_free(ds);
	return rc < 0 ? -1 : 0;
}
