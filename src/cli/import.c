/* `shinchoku import FILE`: a plan dataset checked whole at the door
 * (dataset_file.c), then written by db_dataset_import in one transaction. */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>

#include "dataset.h"
#include "dataset_file.h"
#include "db.h"
#include "fileio.h"
#include "log.h"

/* Why db_dataset_import wrote nothing, for the log. */
static void
import_failed(struct db *db, const char *path, enum db_rc rc, const struct db_dataset_import *r)
{
	if (rc == DB_DENIED)
		log_error("import: a plan titled %s exists already; nothing imported", r->existing);
	else if (rc == DB_AWAY)
		log_error("import: %s: the database went away; nothing imported", path);
	else if (r->refused != NULL)
		log_error("import: %s was refused by the database%s%s", r->refused,
		          rc == DB_REFUSED ? ": " : "",
		          rc == DB_REFUSED ? db_last_fault(db)->message : "");
	else
		log_error("import: %s: the database failed; nothing imported", path);
}

/* Returns 0 when the file was imported or, with if_empty, there was
 * nothing to do; -1 (logged) when the file cannot be read, the database
 * is away, the file is invalid, it has a timeline without
 * --timeline-plan, or the database wrote nothing. */
int
import_file(struct db *db, const char *path, const struct import_options *opt)
{
	struct db_dataset_import r = {.timeline_plan = opt->timeline_plan,
	                              .if_empty = opt->if_empty};
	struct dataset *ds;
	char err[512];
	enum db_rc rc;
	size_t len;
	char *text;

	if ((text = file_read(path, DATASET_FILE_MAX, &len, err, sizeof err)) == NULL) {
		log_error("import: %s", err);
		return -1;
	}
	/* The connect loads the scale the marks are checked against. */
	if (db_ensure(db) != 0) {
		log_error("cannot connect to db_admin");
		free(text);
		return -1;
	}
	ds = dataset_parse(text, len, err, sizeof err);
	free(text);
	if (ds == NULL) {
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
	if ((rc = db_dataset_import(db, ds, &r)) != DB_OK)
		import_failed(db, path, rc, &r);
	else if (r.plan_id == 0)
		log_info("import: the database holds a plan already; nothing to do");
	else
		log_info("import: %s: plan %d with %zu goals, %zu measures, %zu table rows, "
		         "%zu indicators, %zu milestones",
		         path, r.plan_id, ds->ngoals, ds->nmeasures, ds->nactivities,
		         ds->nindicators, ds->ntimeline);
	dataset_free(ds);
	return rc == DB_OK ? 0 : -1;
}
