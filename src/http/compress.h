/* Content-Encoding: which one a client accepts, and the gzip (zlib) and
 * brotli copies of a body. */
#ifndef SHINCHOKU_HTTP_COMPRESS_H
#define SHINCHOKU_HTTP_COMPRESS_H

#include <stdbool.h>
#include <stddef.h>

enum http_encoding { HTTP_IDENTITY, HTTP_GZIP, HTTP_BR, HTTP_ENCODINGS };

/* The best encoding an Accept-Encoding header allows: br, then gzip, else
 * identity (NULL header: identity). q=0 refuses one; "*" stands for all
 * not named. */
enum http_encoding http_accepted(const char *accept_encoding);

/* "gzip", "br"; NULL for identity. */
const char *http_encoding_name(enum http_encoding e);

/* Whether a body of this type and length is worth compressing: text
 * (JSON, CSV, plain) of at least HTTP_COMPRESS_MIN bytes. */
#define HTTP_COMPRESS_MIN 1024
bool http_compressible(const char *content_type, size_t len);

/* Compresses in[0..len) into a new buffer (*out, *outlen). 0, or -1. */
int http_compress(enum http_encoding e, const char *in, size_t len, char **out, size_t *outlen);

#endif
