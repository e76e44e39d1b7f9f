/* Whole-file reads for the few inputs that are files (datasets, migrations). */
#ifndef SHINCHOKU_FILEIO_H
#define SHINCHOKU_FILEIO_H

#include <stddef.h>

/* Reads path into a NUL-terminated buffer the caller frees; *len excludes
 * the NUL. Files over max bytes are refused. NULL with a message in err. */
char *file_read(const char *path, size_t max, size_t *len, char *err, size_t errlen);

#endif
