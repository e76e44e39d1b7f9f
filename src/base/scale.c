/* A copy, per process, of the progress scale in the database. */
#include "scale.h"

#include <stdio.h>
#include <string.h>

static struct {
	struct scale_level levels[SCALE_MAX];
	size_t n;
	char described[SCALE_MAX * 64]; /* each level fits in 64: 32 + 16 + 6 */
	char marks[SCALE_MAX * 20];     /* each mark (16) and 、 (3) */
} scale;

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
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(scale.described + len, sizeof scale.described - len,
		                        "%s%s (%s)", i ? ", " : "", levels[i].key, levels[i].mark);
	scale.marks[0] = '\0';
	for (i = 0, len = 0; i < n; i++)
		len += (size_t)snprintf(scale.marks + len, sizeof scale.marks - len, "%s%s",
		                        i ? "、" : "", levels[i].mark);
}

bool
scale_loaded(void)
{
	return scale.n > 0;
}

const struct scale_level *
scale_find(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < scale.n; i++)
		if (strcmp(scale.levels[i].key, s) == 0 || strcmp(scale.levels[i].mark, s) == 0)
			return &scale.levels[i];
	return NULL;
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
