/* The progress scale (◎○△×): its levels live in the database table
 * progress_status, which is the one definition. The db layer loads them at
 * every connect; validators and the CSV import read them from here. */
#ifndef SHINCHOKU_SCALE_H
#define SHINCHOKU_SCALE_H

#include <stdbool.h>
#include <stddef.h>

#define SCALE_MAX 16

struct scale_level {
	char key[32];  /* on_schedule */
	char mark[16]; /* ○ */
	bool reason_required;
};

/* Replaces the scale with levels[0..n) (n at most SCALE_MAX). */
void scale_set(const struct scale_level *levels, size_t n);
/* false until the first connect loaded it. */
bool scale_loaded(void);
/* The level whose key or mark is s, or NULL. */
const struct scale_level *scale_find(const char *s);
/* "exceeded, on_schedule, … (◎ ○ …)" for messages. */
const char *scale_describe(void);
/* "◎、○、△、×" for the Japanese messages people read. */
const char *scale_marks(void);

#endif
