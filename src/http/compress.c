/* gzip through zlib, brotli through libbrotlienc, and the choice between
 * them from Accept-Encoding. */
#include "compress.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <malloc.h>

#include <brotli/encode.h>
#include <zlib.h>

/* A middle level each: a copy is made once per data version and answer,
 * so its cost is paid on a miss, never on a hit. */
#define GZIP_LEVEL     6
#define BROTLI_QUALITY 5
/* 256 KiB: as large as the answers, and the encoder's buffers stay small. */
#define BROTLI_WINDOW 18

const char *
http_encoding_name(enum http_encoding e)
{
	return e == HTTP_GZIP ? "gzip" : e == HTTP_BR ? "br" : NULL;
}

/* The q of one Accept-Encoding item ("gzip;q=0.5"): 1 without one, 0 for
 * q=0, q=0.0 and so on. */
static bool
item_allows(const char *params, size_t n)
{
	const char *q = memchr(params, '=', n);
	size_t i;

	if (q == NULL || (size_t)(q - params) >= n)
		return true;
	for (i = (size_t)(q - params) + 1; i < n; i++)
		if (params[i] >= '1' && params[i] <= '9')
			return true;
	return false;
}

enum http_encoding
http_accepted(const char *h)
{
	bool ok[HTTP_ENCODINGS] = {false}, named[HTTP_ENCODINGS] = {false}, star = false;
	int e;

	while (h != NULL && *h != '\0') {
		size_t len = strcspn(h, ","), name;

		while (len > 0 && (*h == ' ' || *h == '\t'))
			h++, len--;
		name = strcspn(h, ";, \t");
		if (name > len)
			name = len;
		for (e = HTTP_GZIP; e < HTTP_ENCODINGS; e++)
			if (name == strlen(http_encoding_name(e)) &&
			    strncasecmp(h, http_encoding_name(e), name) == 0) {
				named[e] = true;
				ok[e] = item_allows(h + name, len - name);
			}
		if (name == 1 && *h == '*')
			star = item_allows(h + name, len - name);
		h += len + (h[len] == ',');
	}
	for (e = HTTP_BR; e > HTTP_IDENTITY; e--)
		if (ok[e] || (!named[e] && star))
			return (enum http_encoding)e;
	return HTTP_IDENTITY;
}

bool
http_compressible(const char *type, size_t len)
{
	if (len < HTTP_COMPRESS_MIN)
		return false;
	if (type == NULL) /* the worker's default: JSON */
		return true;
	return strncmp(type, "application/json", 16) == 0 || strncmp(type, "text/", 5) == 0;
}

static int
gzip_body(const char *in, size_t len, char **out, size_t *outlen)
{
	z_stream z;
	size_t cap;
	int rc;

	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip header and trailer, not a bare zlib stream. */
	if (deflateInit2(&z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	cap = deflateBound(&z, (uLong)len) + 32;
	if ((*out = malloc(cap)) == NULL) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)*out;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int
brotli_body(const char *in, size_t len, char **out, size_t *outlen)
{
	size_t cap = BrotliEncoderMaxCompressedSize(len);

	if (cap == 0 || (*out = malloc(cap)) == NULL)
		return -1;
	*outlen = cap;
	if (!BrotliEncoderCompress(BROTLI_QUALITY, BROTLI_WINDOW, BROTLI_MODE_TEXT, len,
	                           (const uint8_t *)in, outlen, (uint8_t *)*out)) {
		free(*out);
		*out = NULL;
		malloc_trim(0);
		return -1;
	}
	/* The encoder's tables (about 2 MiB) are freed but would stay in the
	 * heap: give them back, so a worker stays small. A copy is made once
	 * per answer and data version, so this is rare. */
	malloc_trim(0);
	return 0;
}

int
http_compress(enum http_encoding e, const char *in, size_t len, char **out, size_t *outlen)
{
	*out = NULL;
	if (e == HTTP_GZIP)
		return gzip_body(in, len, out, outlen);
	if (e == HTTP_BR)
		return brotli_body(in, len, out, outlen);
	return -1;
}
