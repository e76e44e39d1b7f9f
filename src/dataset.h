/* A plan dataset (the JSON of data/nakano-plan-r6.json), parsed and checked
 * at the door: after dataset_parse succeeds every field has its type, every
 * reference (measure code, re-listed row, footnote mark, goal) resolves and
 * every text is valid UTF-8, so the importer only copies trusted values.
 * Strings point into the parsed JSON, which the dataset owns. */
#ifndef SHINCHOKU_DATASET_H
#define SHINCHOKU_DATASET_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

struct ds_goal {
	int number;
	const char *title;
};

struct ds_measure {
	const char *code; /* 1-1-① */
	int goal, policy, number;
	const char *name;
	int relisted_from; /* index into measures, or -1 */
};

struct ds_activity {
	int seq;
	int measure; /* index into measures */
	const char *name;
	const char *status; /* key (on_schedule), NULL on a re-listed row */
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

struct dataset {
	struct json_object *root;
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

/* Parses and validates text (len bytes). Returns the dataset, or NULL with
 * a message naming the offending place ("activities[3].status: ...") in err. */
struct dataset *dataset_parse(const char *text, size_t len, char *err, size_t errlen);

/* Reads a file and parses it as above. */
struct dataset *dataset_load(const char *path, char *err, size_t errlen);

void dataset_free(struct dataset *ds);

#endif
