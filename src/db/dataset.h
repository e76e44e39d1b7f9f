/* A plan dataset (the JSON of data/nakano-plan-r6.json) as C values, and
 * the one call that writes it. cli/dataset_file.c reads and checks the file
 * into these structs: by the time db_dataset_import sees one, every
 * reference (measure code, re-listed row, footnote mark, goal) resolves and
 * every text is valid UTF-8, so the import only copies trusted values and
 * the database's constraints check each of them once more. */
#ifndef SHINCHOKU_DB_DATASET_H
#define SHINCHOKU_DB_DATASET_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

struct json_object;

struct ds_goal {
	int number;
	const char *title;
};

struct ds_measure {
	const char *code; /* 1-1-①, or in the format of the plan's scheme */
	int goal, policy, number;
	const char *name;
	int relisted_from; /* index into measures, or -1 */
};

struct ds_activity {
	int seq;
	int measure; /* index into measures */
	const char *name;
	const char *status;  /* key (on_schedule), NULL on a re-listed row */
	const char *status2; /* key of the second scale (sql/015), or NULL */
	const char *change_reason;
	const char *result_prev; /* result of report_fiscal_year - 1 */
	const char *result;      /* result of report_fiscal_year */
	const char *plan_next;   /* plan for report_fiscal_year + 1 */
	const char **departments;
	size_t ndepartments;
	int relisted_of; /* index of the reported row, or -1 */
};

struct ds_value {
	int fiscal_year;
	const char *text;
	bool has_number;
	const char *number; /* the JSON number as written, for numeric */
};

struct ds_indicator {
	int goal;
	const char *name, *unit;
	struct ds_value *actuals, *targets;
	size_t nactuals, ntargets;
	const char **notes; /* footnote marks */
	size_t nnotes;
};

struct ds_footnote {
	const char *mark, *text;
};

struct ds_milestone {
	int year, month;
	const char *date_text, *item;
	bool open_ended; /* printed as "１１月～": from that month on */
};

/* A level of the file's own scale (with $.scheme). */
struct ds_level {
	const char *key, *mark;
	bool reason_required;
};

struct dataset {
	struct json_object *root; /* the parsed file the strings point into */
	/* $.scheme with the legend as its scale, or NULL (Nakano's, scheme 1);
	 * scheme_json is its text, for scheme_create() (sql/014). */
	struct json_object *scheme;
	const char *scheme_json;
	struct ds_level *scale; /* the legend's levels, with a scheme */
	size_t nscale;
	struct ds_level *scale2; /* $.status2_legend's, with a second scale */
	size_t nscale2;
	const char *title;
	int adopted_year, adopted_month;
	int report_fiscal_year;
	struct ds_goal *goals;
	struct ds_measure *measures;
	struct ds_activity *activities;
	struct ds_indicator *indicators;
	struct ds_footnote *footnotes;
	struct ds_milestone *timeline;
	size_t ngoals, nmeasures, nactivities, nindicators, nfootnotes, ntimeline;
};

struct db_dataset_import {
	const char *timeline_plan; /* title of the draft plan the timeline belongs to */
	bool if_empty;             /* do nothing when the database holds a plan already */
	/* Set by the call: */
	int plan_id;          /* DB_OK: the plan written; 0 when if_empty skipped it */
	const char *existing; /* DB_DENIED: the title that exists already */
	const char *refused;  /* a row the database did not take ("plan", "1-1-①", a name) */
};

/* Writes ds in one transaction (channel "import", no acting user), row by
 * row, each row audited; two imports serialize on an advisory lock. Every
 * outcome but DB_OK with a plan_id wrote nothing:
 *   DB_OK      imported, opt->plan_id set; or, with if_empty, the database
 *              held a plan already and plan_id is 0;
 *   DB_DENIED  a plan titled opt->existing (the dataset's or the timeline's)
 *              exists already;
 *   DB_REFUSED the row opt->refused broke a rule (db_last_fault says which);
 *   DB_BUG     the row opt->refused (or the bookkeeping, refused NULL)
 *              failed otherwise; logged;
 *   DB_AWAY    no connection. */
enum db_rc db_dataset_import(struct db *db, const struct dataset *ds,
                             struct db_dataset_import *opt);

#endif
