/* The response cache: a hash table of entries on a doubly linked LRU
 * list (head: most recent), bounded by the bytes of what they hold. */
#include "cache.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_BUCKETS 256u

struct cache {
	size_t max_bytes, bytes, count;
	struct cache_entry *head, *tail;
	struct cache_entry *bucket[CACHE_BUCKETS];
	struct cache_counters own, *counters;
};

static void
count(uint64_t *n)
{
	__atomic_fetch_add(n, 1, __ATOMIC_RELAXED);
}

/* FNV-1a, 64 bits. */
static uint64_t
key_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct cache *
cache_new(size_t max_bytes, struct cache_counters *counters)
{
	struct cache *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->max_bytes = max_bytes;
	c->counters = counters ? counters : &c->own;
	return c;
}

static void
unlink_lru(struct cache *c, struct cache_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
push_front(struct cache *c, struct cache_entry *e)
{
	e->next = c->head;
	e->prev = NULL;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (c->tail == NULL)
		c->tail = e;
}

static void
entry_free(struct cache_entry *e)
{
	size_t i;

	for (i = 0; i < e->nheaders; i++) {
		free(e->headers[i].name);
		free(e->headers[i].value);
	}
	free(e->headers);
	for (i = 0; i < HTTP_ENCODINGS; i++)
		free(e->body[i]);
	free(e->key);
	free(e);
}

/* Takes e out of the table and the list, and frees it. */
static void
drop(struct cache *c, struct cache_entry *e)
{
	struct cache_entry **p = &c->bucket[e->hash % CACHE_BUCKETS];

	while (*p != e)
		p = &(*p)->chain;
	*p = e->chain;
	unlink_lru(c, e);
	c->bytes -= e->cost;
	c->count--;
	entry_free(e);
}

/* Evicts from the tail until need more bytes fit, sparing keep. */
static int
make_room(struct cache *c, size_t need, const struct cache_entry *keep)
{
	struct cache_entry *e = c->tail;

	if (need > c->max_bytes)
		return -1;
	while (c->bytes + need > c->max_bytes && e != NULL) {
		struct cache_entry *prev = e->prev;

		if (e != keep) {
			drop(c, e);
			count(&c->counters->evictions);
		}
		e = prev;
	}
	return c->bytes + need <= c->max_bytes ? 0 : -1;
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	while (c->head)
		drop(c, c->head);
	free(c);
}

static struct cache_entry *
find(const struct cache *c, const char *key, uint64_t h)
{
	struct cache_entry *e = c->bucket[h % CACHE_BUCKETS];

	while (e != NULL && (e->hash != h || strcmp(e->key, key) != 0))
		e = e->chain;
	return e;
}

struct cache_entry *
cache_get(struct cache *c, const char *key)
{
	struct cache_entry *e = find(c, key, key_hash(key));

	if (e == NULL) {
		count(&c->counters->misses);
		return NULL;
	}
	count(&c->counters->hits);
	unlink_lru(c, e);
	push_front(c, e);
	return e;
}

static char *
mem_dup(const char *src, size_t len)
{
	char *p = malloc(len + 1);

	if (p != NULL) {
		memcpy(p, src, len);
		p[len] = '\0';
	}
	return p;
}

/* The entry's own copy of the key, headers and body; NULL when out of
 * memory. Its cost: what it holds, plus a little for the bookkeeping. */
static struct cache_entry *
entry_new(const char *key, const struct http_response *res)
{
	struct cache_entry *e = calloc(1, sizeof *e);
	size_t i, klen = strlen(key);
	int ok;

	if (e == NULL)
		return NULL;
	e->content_type = res->content_type;
	e->key = mem_dup(key, klen);
	e->body[HTTP_IDENTITY] = mem_dup(res->body ? res->body : "", res->body_len);
	e->len[HTTP_IDENTITY] = res->body_len;
	e->headers = res->nheaders ? calloc(res->nheaders, sizeof *e->headers) : NULL;
	ok = e->key && e->body[HTTP_IDENTITY] && (res->nheaders == 0 || e->headers);
	e->cost = sizeof *e + klen + res->body_len;
	for (i = 0; ok && i < res->nheaders; i++, e->nheaders++) {
		e->headers[i].name = strdup(res->headers[i].name);
		e->headers[i].value = strdup(res->headers[i].value);
		ok = e->headers[i].name && e->headers[i].value;
		e->cost += sizeof e->headers[i] + strlen(res->headers[i].name) +
		           strlen(res->headers[i].value);
	}
	if (!ok) {
		entry_free(e);
		return NULL;
	}
	return e;
}

struct cache_entry *
cache_put(struct cache *c, const char *key, const struct http_response *res)
{
	uint64_t h = key_hash(key);
	struct cache_entry *e, *old;

	if (res->status != 200 || c->max_bytes == 0 || (e = entry_new(key, res)) == NULL)
		return NULL;
	e->hash = h;
	if ((old = find(c, key, h)) != NULL)
		drop(c, old);
	if (make_room(c, e->cost, NULL) != 0) {
		entry_free(e);
		return NULL;
	}
	e->chain = c->bucket[h % CACHE_BUCKETS];
	c->bucket[h % CACHE_BUCKETS] = e;
	push_front(c, e);
	c->bytes += e->cost;
	c->count++;
	count(&c->counters->stores);
	return e;
}

int
cache_add(struct cache *c, struct cache_entry *e, enum http_encoding enc, char *data, size_t len)
{
	if (enc == HTTP_IDENTITY || e->body[enc] != NULL || make_room(c, len, e) != 0) {
		free(data);
		return -1;
	}
	e->body[enc] = data;
	e->len[enc] = len;
	e->cost += len;
	c->bytes += len;
	return 0;
}

size_t
cache_bytes(const struct cache *c)
{
	return c->bytes;
}

size_t
cache_count(const struct cache *c)
{
	return c->count;
}

const struct cache_counters *
cache_counters(const struct cache *c)
{
	return c->counters;
}
