/* The shared counters and their Prometheus text. */
#include "metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static const int metrics_status[METRICS_STATUSES - 1] = {
    200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 413, 415, 422, 428, 429, 500, 503};
static const long long metrics_bound_us[METRICS_BUCKETS] = {
    250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 1000000, 5000000};

struct metrics {
	size_t nroutes, size;
	int64_t version;
	struct cache_counters cache;
	uint64_t db_reconnects, worker_restarts;
	uint64_t bucket[METRICS_BUCKETS + 1];
	uint64_t latency_count, latency_sum_us;
	uint64_t requests[]; /* [(nroutes + 1) * METRICS_STATUSES] */
};

static void
add(uint64_t *n, uint64_t d)
{
	__atomic_fetch_add(n, d, __ATOMIC_RELAXED);
}

static uint64_t
get(const uint64_t *n)
{
	return __atomic_load_n(n, __ATOMIC_RELAXED);
}

struct metrics *
metrics_create(size_t nroutes)
{
	size_t size = sizeof(struct metrics) + (nroutes + 1) * METRICS_STATUSES * sizeof(uint64_t);
	struct metrics *m =
	    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	memset(m, 0, size);
	m->nroutes = nroutes;
	m->size = size;
	return m;
}

void
metrics_destroy(struct metrics *m)
{
	if (m != NULL)
		munmap(m, m->size);
}

static size_t
status_slot(int status)
{
	size_t i;

	for (i = 0; i < METRICS_STATUSES - 1; i++)
		if (metrics_status[i] == status)
			return i;
	return METRICS_STATUSES - 1;
}

void
metrics_request(struct metrics *m, size_t route, int status, long long micros)
{
	size_t b = 0;

	if (m == NULL)
		return;
	if (route > m->nroutes)
		route = m->nroutes;
	add(&m->requests[route * METRICS_STATUSES + status_slot(status)], 1);
	while (b < METRICS_BUCKETS && micros > metrics_bound_us[b])
		b++;
	add(&m->bucket[b], 1);
	add(&m->latency_count, 1);
	add(&m->latency_sum_us, micros > 0 ? (uint64_t)micros : 0);
}

void
metrics_db_reconnects(struct metrics *m, long n)
{
	if (m != NULL && n > 0)
		add(&m->db_reconnects, (uint64_t)n);
}

void
metrics_worker_restart(struct metrics *m)
{
	if (m != NULL)
		add(&m->worker_restarts, 1);
}

struct cache_counters *
metrics_cache(struct metrics *m)
{
	return m ? &m->cache : NULL;
}

int64_t *
metrics_version(struct metrics *m)
{
	return m ? &m->version : NULL;
}

/* ---- the text ---- */

struct out {
	char *buf;
	size_t len, cap;
	int failed;
};

static void __attribute__((format(printf, 2, 3))) put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf ? o->buf + o->len : NULL, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = 1;
			return;
		}
		if (o->len + (size_t)n < o->cap) {
			o->len += (size_t)n;
			return;
		}
		char *p = realloc(o->buf, o->cap * 2 + (size_t)n + 1);
		if (p == NULL) {
			o->failed = 1;
			return;
		}
		o->buf = p;
		o->cap = o->cap * 2 + (size_t)n + 1;
	}
}

static void
render_requests(struct out *o, const struct metrics *m, const char *const *names)
{
	size_t r, s;
	uint64_t n;

	put(o, "# HELP shinchoku_requests_total Requests answered, by route and status.\n"
	       "# TYPE shinchoku_requests_total counter\n");
	for (r = 0; r <= m->nroutes; r++)
		for (s = 0; s < METRICS_STATUSES; s++) {
			if ((n = get(&m->requests[r * METRICS_STATUSES + s])) == 0)
				continue;
			put(o, "shinchoku_requests_total{route=\"%s\",status=\"",
			    r < m->nroutes ? names[r] : "none");
			if (s < METRICS_STATUSES - 1)
				put(o, "%d", metrics_status[s]);
			else
				put(o, "other");
			put(o, "\"} %llu\n", (unsigned long long)n);
		}
}

static void
render_latency(struct out *o, const struct metrics *m)
{
	uint64_t cum = 0;
	size_t b;

	put(o, "# HELP shinchoku_request_duration_seconds Time from reading a request to its "
	       "answer.\n# TYPE shinchoku_request_duration_seconds histogram\n");
	for (b = 0; b < METRICS_BUCKETS; b++) {
		cum += get(&m->bucket[b]);
		put(o, "shinchoku_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    (double)metrics_bound_us[b] / 1e6, (unsigned long long)cum);
	}
	cum += get(&m->bucket[METRICS_BUCKETS]);
	put(o, "shinchoku_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
	    (unsigned long long)cum);
	put(o, "shinchoku_request_duration_seconds_sum %.6f\n",
	    (double)get(&m->latency_sum_us) / 1e6);
	put(o, "shinchoku_request_duration_seconds_count %llu\n",
	    (unsigned long long)get(&m->latency_count));
}

static void
counter(struct out *o, const char *name, const char *help, const uint64_t *v)
{
	put(o, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
	    (unsigned long long)get(v));
}

int
metrics_render(const struct metrics *m, const char *const *names, char **out, size_t *len)
{
	struct out o = {NULL, 0, 0, 0};

	render_requests(&o, m, names);
	render_latency(&o, m);
	counter(&o, "shinchoku_cache_hits_total", "Answers served from a response cache.",
	        &m->cache.hits);
	counter(&o, "shinchoku_cache_misses_total", "Cacheable answers not in the cache.",
	        &m->cache.misses);
	counter(&o, "shinchoku_cache_evictions_total", "Entries evicted to stay in the bound.",
	        &m->cache.evictions);
	counter(&o, "shinchoku_db_reconnects_total", "Database connections made again.",
	        &m->db_reconnects);
	counter(&o, "shinchoku_worker_restarts_total", "Workers replaced by the master.",
	        &m->worker_restarts);
	put(&o,
	    "# HELP shinchoku_data_version The data version the workers know.\n"
	    "# TYPE shinchoku_data_version gauge\nshinchoku_data_version %lld\n",
	    (long long)__atomic_load_n(&m->version, __ATOMIC_ACQUIRE));
	if (o.failed || o.buf == NULL) {
		free(o.buf);
		return -1;
	}
	*out = o.buf;
	*len = o.len;
	return 0;
}
