/* The evaluation scales (◎○△×, A–D, …): their levels live in the database
 * table progress_status, one scale per scheme (sql/014), which is the one
 * definition. The db layer loads every scheme's levels at connect, and
 * again when a look-up misses (a scheme defined since); validators and the
 * imports read them from here. Keys and marks are unique within a scheme
 * (sql/015), not across schemes: a look-up in any scheme yields the
 * default scheme's level first, and the database resolves the value
 * against the record's own scheme. */
#ifndef SHINCHOKU_SCALE_H
#define SHINCHOKU_SCALE_H

#include <stdbool.h>
#include <stddef.h>

#define SCALE_MAX 128

struct scale_level {
	char key[32];  /* on_schedule */
	char mark[16]; /* ○ */
	bool reason_required;
	int scheme; /* scheme id; the first loaded level's scheme is the default */
	int scale;  /* 1 or 2: which of the scheme's scales (sql/015) */
};

/* Replaces the scale with levels[0..n) (n at most SCALE_MAX), the default
 * scheme's first. */
void scale_set(const struct scale_level *levels, size_t n);
/* What scale_find* call once when nothing matched (the db layer's reload),
 * or NULL. */
void scale_set_reload(int (*reload)(void *ctx), void *ctx);
/* false until the first connect loaded it. */
bool scale_loaded(void);
/* The level whose key or mark is s, in any scheme (the default's first), or
 * NULL. */
const struct scale_level *scale_find(const char *s);
/* The level of scheme (0: the default) whose key or mark is s, or NULL. */
const struct scale_level *scale_find_in(int scheme, const char *s);
/* "exceeded (◎), on_schedule (○), …" of the default scheme, for messages. */
const char *scale_describe(void);
/* "◎、○、△、×" of the default scheme, for the Japanese messages people read. */
const char *scale_marks(void);

#endif
