#include "fileio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
file_read(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	FILE *f;
	char *buf;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(max + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		fclose(f);
		return NULL;
	}
	/* One read past max tells a file of exactly max bytes from a larger one. */
	*len = fread(buf, 1, max + 1, f);
	if (ferror(f) || *len > max) {
		snprintf(err, errlen, "%s: %s", path, ferror(f) ? "read error" : "file too large");
		free(buf);
		buf = NULL;
	} else {
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}
