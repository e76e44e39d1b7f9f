/* A worker's response cache: answers that are the same for every caller,
 * keyed by a string (the data version, the path and the query: see
 * api/conditional.c), bounded in bytes, least recently used out. Beside
 * the plain body an entry keeps its gzip and brotli copies once made.
 * Plain data, no I/O: unit-tested alone. */
#ifndef SHINCHOKU_HTTP_CACHE_H
#define SHINCHOKU_HTTP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "compress.h"
#include "http.h"

/* Counted with atomics: they may live in memory the workers share. */
struct cache_counters {
	uint64_t hits, misses, evictions, stores;
};

struct cache_entry {
	char *key;
	uint64_t hash;
	const char *content_type; /* a static string, as in http_response */
	struct http_header *headers;
	size_t nheaders;
	char *body[HTTP_ENCODINGS]; /* [HTTP_IDENTITY] always; the others once made */
	size_t len[HTTP_ENCODINGS];
	size_t cost;                             /* bytes charged against the bound */
	struct cache_entry *prev, *next, *chain; /* LRU list; hash bucket */
};

struct cache;

/* A cache of at most max_bytes (0: a cache that keeps nothing). counters
 * may be NULL (the cache's own are used). NULL when out of memory. */
struct cache *cache_new(size_t max_bytes, struct cache_counters *counters);
void cache_free(struct cache *c);

/* The entry of key, now the most recently used, or NULL (a miss). The
 * entry stays valid until the next cache_put or cache_add. Counts a hit
 * or a miss. */
struct cache_entry *cache_get(struct cache *c, const char *key);

/* Stores a copy of res (status 200: body, type, headers) under key,
 * evicting the least recently used entries until it fits; one larger than
 * the whole bound is not stored. Returns the entry, or NULL. */
struct cache_entry *cache_put(struct cache *c, const char *key, const struct http_response *res);

/* Gives e its copy in encoding enc (takes data); others may be evicted to
 * make room, never e. Returns 0, or -1 (data freed) when it cannot fit. */
int cache_add(struct cache *c, struct cache_entry *e, enum http_encoding enc, char *data,
              size_t len);

/* Bytes held, entries held. */
size_t cache_bytes(const struct cache *c);
size_t cache_count(const struct cache *c);
const struct cache_counters *cache_counters(const struct cache *c);

#endif
