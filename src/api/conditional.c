/* ETags, 304s, the response cache and Content-Encoding of GET answers.
 *
 * Every GET answer (but the live ones: health, metrics) carries a strong
 * ETag made of the data version (db/version.h) and a hash of the path, the
 * query, the day in Japan (an answer may count days, e.g. overdue steps)
 * and, for an endpoint that needs a session, the session and its role: a
 * request whose If-None-Match holds it is answered 304 before the handler
 * runs. An answer that does not depend on who asks (an endpoint without
 * API_SIGNED) is kept in the worker's cache under the version, the path
 * and the query; a write anywhere makes a new version, so an old entry is
 * never served again and ages out. Handlers that set an ETag of their own
 * (a record's version, for If-Match) keep it.
 *
 * The encoding is negotiated from Accept-Encoding (br, gzip) for text
 * answers of 1 KiB and more; a cached answer keeps each copy made, so a
 * hit costs no compression. The ETag ends in -br or -gz for those. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "compress.h"
#include "metrics.h"
#include "version.h"

static struct cache *cond_cache;
static struct metrics *cond_metrics;

void
api_cache_configure(size_t kb, struct metrics *m)
{
	cache_free(cond_cache);
	cond_metrics = m;
	cond_cache = kb > 0 ? cache_new(kb * 1024, metrics_cache(m)) : NULL;
}

struct metrics *
api_metrics(void)
{
	return cond_metrics;
}

/* FNV-1a, 64 bits, over a field and its terminating NUL. */
static uint64_t
mix(uint64_t h, const char *s)
{
	do
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	while (*s++ != '\0');
	return h;
}

static void
make_tag(const struct api_endpoint *ep, const struct api_req *rq, struct api_cond *c)
{
	const struct http_request *req = rq->http;
	char extra[96];
	uint64_t h = 14695981039346656037ULL;

	/* The date in Japan (UTC+9), whatever the server's zone. */
	snprintf(extra, sizeof extra, "%lld", (long long)(time(NULL) + 9 * 3600) / 86400);
	h = mix(mix(mix(h, req->path), req->query ? req->query : ""), extra);
	if (ep->flags & API_SIGNED) {
		snprintf(extra, sizeof extra, "%d/%d/%d", rq->user.id, (int)rq->user.role,
		         rq->user.department_id);
		h = mix(mix(h, rq->user.token_hash), extra);
	}
	snprintf(c->tag, sizeof c->tag, "%llx-%016llx", (unsigned long long)c->version,
	         (unsigned long long)h);
}

bool
api_tag_matches(const char *if_none_match, const char *tag)
{
	const char *p = if_none_match;
	size_t tlen = strlen(tag);

	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, ",");
		const char *q = p, *end = p + n;

		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (end - q >= 2 && strncmp(q, "W/", 2) == 0)
			q += 2;
		while (end > q && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (end - q >= 2 && *q == '"' && end[-1] == '"')
			q++, end--;
		if (end - q >= 3 &&
		    (strncmp(end - 3, "-gz", 3) == 0 || strncmp(end - 3, "-br", 3) == 0))
			end -= 3;
		if ((size_t)(end - q) == tlen && strncmp(q, tag, tlen) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* ETag "tag[-gz|-br]" and Vary, unless the handler set an ETag. */
static void
set_tag(const struct api_cond *c, struct http_response *res)
{
	char v[80];

	http_set_header(res, "Vary", "Accept-Encoding");
	if (c->version == 0 || http_get_header(res, "ETag") != NULL)
		return;
	snprintf(v, sizeof v, "\"%s%s%s\"", c->tag, c->enc == HTTP_GZIP ? "-gz" : "",
	         c->enc == HTTP_BR ? "-br" : "");
	http_set_header(res, "ETag", v);
}

static char *
mem_dup(const char *src, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (p != NULL)
		memcpy(p, src, len);
	return p;
}

/* Replaces res's body by its copy in c->enc: the entry's when it has one
 * (made now and kept there when not), else made for this answer alone. A
 * body that is not worth it, or a copy that fails, stays plain. */
static void
encode(const struct api_cond *c, struct cache_entry *e, struct http_response *res)
{
	char *z = NULL;
	size_t zlen = 0;

	if (c->enc == HTTP_IDENTITY || !http_compressible(res->content_type, res->body_len))
		return;
	if (e != NULL && e->body[c->enc] != NULL) {
		z = mem_dup(e->body[c->enc], zlen = e->len[c->enc]);
	} else if (http_compress(c->enc, res->body, res->body_len, &z, &zlen) == 0 && e != NULL) {
		char *kept = mem_dup(z, zlen);

		if (kept != NULL)
			cache_add(cond_cache, e, c->enc, kept, zlen);
	}
	if (z == NULL)
		return;
	free(res->body);
	res->body = z;
	res->body_len = zlen;
	http_set_header(res, "Content-Encoding", http_encoding_name(c->enc));
}

/* The answer kept in e, as res (200, its headers, the plain body). */
static int
from_cache(const struct cache_entry *e, struct http_response *res)
{
	size_t i;

	if ((res->body = mem_dup(e->body[HTTP_IDENTITY], e->len[HTTP_IDENTITY])) == NULL)
		return -1;
	res->status = 200;
	res->body_len = e->len[HTTP_IDENTITY];
	res->content_type = e->content_type;
	for (i = 0; i < e->nheaders; i++)
		http_set_header(res, e->headers[i].name, e->headers[i].value);
	return 0;
}

int
api_cond_begin(const struct api_endpoint *ep, const struct api_req *rq, struct db *db,
               struct api_cond *c, struct http_response *res)
{
	const struct http_request *req = rq->http;
	struct cache_entry *e;
	size_t n;

	memset(c, 0, sizeof *c);
	if ((req->method != HTTP_GET && req->method != HTTP_HEAD) || (ep->flags & API_LIVE))
		return 0;
	c->enc = http_accepted(req->accept_encoding);
	if ((c->version = db_version_current(db)) == 0)
		return 0; /* not known: answered fresh, without a tag */
	make_tag(ep, rq, c);
	if (req->if_none_match != NULL && api_tag_matches(req->if_none_match, c->tag)) {
		res->status = 304;
		set_tag(c, res);
		return 1;
	}
	if (cond_cache == NULL || (ep->flags & API_SIGNED))
		return 0;
	n = strlen(c->tag) + strlen(req->path) + strlen(req->query ? req->query : "") + 3;
	if ((c->key = malloc(n)) == NULL)
		return 0;
	snprintf(c->key, n, "%s %s?%s", c->tag, req->path, req->query ? req->query : "");
	if ((e = cache_get(cond_cache, c->key)) == NULL || from_cache(e, res) != 0)
		return 0;
	free(c->key);
	c->key = NULL;
	encode(c, e, res);
	set_tag(c, res);
	return 1;
}

void
api_cond_end(struct api_cond *c, const struct api_req *rq, struct http_response *res)
{
	struct cache_entry *e = NULL;

	if (rq->http->method == HTTP_GET || rq->http->method == HTTP_HEAD) {
		if (res->status == 200 && !res->failed) {
			if (c->key != NULL)
				e = cache_put(cond_cache, c->key, res);
			encode(c, e, res);
			set_tag(c, res);
		}
	}
	free(c->key);
	c->key = NULL;
}
