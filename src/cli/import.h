/* Loads a plan dataset (see dataset_file.h) into the database in one
 * transaction: all of it, or nothing. */
#ifndef SHINCHOKU_IMPORT_H
#define SHINCHOKU_IMPORT_H

#include <stdbool.h>

struct db;

struct import_options {
	const char *timeline_plan; /* title of the draft plan the timeline belongs to */
	bool if_empty;             /* do nothing when the database holds a plan already */
};

/* Reads path, connects (the marks are checked against the scale the
 * connect loads), validates the whole file and imports it. Returns 0 on
 * success (or nothing to do with if_empty), -1 after logging why; on -1
 * nothing was written. */
int import_file(struct db *db, const char *path, const struct import_options *opt);

#endif
