/* Reading a plan dataset file (the JSON of data/nakano-plan-r6.json) into
 * the structs of db/dataset.h, checked at the door: after dataset_parse
 * succeeds every field has its type, every reference (measure code,
 * re-listed row, footnote mark, goal) resolves, every status is a mark of
 * the progress scale and every text is valid UTF-8. Strings point into the
 * parsed JSON, which the dataset owns. */
#ifndef SHINCHOKU_DATASET_FILE_H
#define SHINCHOKU_DATASET_FILE_H

#include <stddef.h>

#include "dataset.h"

#define DATASET_FILE_MAX (16 * 1024 * 1024)

/* Parses and validates text (len bytes). The marks are checked against the
 * scale (base/scale.h), which the first connect loads: without it every
 * file is refused. Returns the dataset, or NULL with a message naming the
 * offending place ("$.activities[3].status: ...") in err. */
struct dataset *dataset_parse(const char *text, size_t len, char *err, size_t errlen);

/* Reads a file and parses it as above. */
struct dataset *dataset_load(const char *path, char *err, size_t errlen);

void dataset_free(struct dataset *ds);

#endif
