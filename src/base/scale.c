/* A copy, per process, of the evaluation scales in the database. */
#include "scale.h"

#include <stdio.h>
#include <string.h>

static struct {
	struct scale_level levels[SCALE_MAX];
	size_t n;
	char described[SCALE_MAX * 64]; /* each level fits in 64: 32 + 16 + 6 */
	int (*reload)(void *ctx);
	void *ctx;
	char marks[SCALE_MAX * 20]; /* each mark (16) and 、 (3) */
} scale;

static bool
same_scale(const struct scale_level *a, const struct scale_level *b)
{
	return a->scheme == b->scheme && a->scale == b->scale;
}

void
scale_set(const struct scale_level *levels, size_t n)
{
	size_t i, len = 0;

	if (n > SCALE_MAX)
		n = SCALE_MAX;
	if (n > 0)
		memcpy(scale.levels, levels, n * sizeof *levels);
	scale.n = n;
	scale.described[0] = '\0';
	for (i = 0; i < n && same_scale(&levels[i], &levels[0]); i++)
		len += (size_t)snprintf(scale.described + len, sizeof scale.described - len,
		                        "%s%s (%s)", i ? ", " : "", levels[i].key, levels[i].mark);
	scale.marks[0] = '\0';
	for (i = 0, len = 0; i < n && levels[i].scheme == levels[0].scheme; i++)
		len += (size_t)snprintf(scale.marks + len, sizeof scale.marks - len, "%s%s",
		                        i ? "、" : "", levels[i].mark);
}

void
scale_set_reload(int (*reload)(void *ctx), void *ctx)
{
	scale.reload = reload;
	scale.ctx = ctx;
}

bool
scale_loaded(void)
{
	return scale.n > 0;
}

/* scheme -1: any (keys first, then marks, in load order). */
static const struct scale_level *
lookup(int scheme, const char *s)
{
	size_t i;
	int pass;

	if (scheme == 0 && scale.n > 0)
		scheme = scale.levels[0].scheme;
	for (pass = 0; s != NULL && pass < 2; pass++)
		for (i = 0; i < scale.n; i++)
			if ((scheme < 0 || scale.levels[i].scheme == scheme) &&
			    strcmp(pass ? scale.levels[i].mark : scale.levels[i].key, s) == 0)
				return &scale.levels[i];
	return NULL;
}

static const struct scale_level *
find(int scheme, const char *s)
{
	const struct scale_level *l = lookup(scheme, s);

	if (l == NULL && s != NULL && scale.reload != NULL && scale.reload(scale.ctx) == 0)
		l = lookup(scheme, s);
	return l;
}

const struct scale_level *
scale_find(const char *s)
{
	return find(-1, s);
}

const struct scale_level *
scale_find_in(int scheme, const char *s)
{
	return find(scheme, s);
}

const char *
scale_describe(void)
{
	return scale.described;
}

const char *
scale_marks(void)
{
	return scale.marks;
}
