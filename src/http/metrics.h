/* What /api/metrics reports, counted by every worker into one block of
 * shared memory that the master maps before it forks (MAP_SHARED), with
 * atomics, so that any worker answers the totals. The block also holds the
 * largest data version seen (db/version.h), shared the same way. */
#ifndef SHINCHOKU_HTTP_METRICS_H
#define SHINCHOKU_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"

/* The statuses counted apart; any other is counted as "other". */
#define METRICS_STATUSES 18
/* Upper bounds of the latency histogram, in microseconds; then +Inf. */
#define METRICS_BUCKETS 12

struct metrics;

/* Maps a block for nroutes routes (their index, plus one for "no route")
 * shared with the children forked later; NULL when mmap fails. */
struct metrics *metrics_create(size_t nroutes);
void metrics_destroy(struct metrics *m);

/* One answered request: route index (nroutes: none), status, duration. */
void metrics_request(struct metrics *m, size_t route, int status, long long micros);
void metrics_db_reconnects(struct metrics *m, long n);
void metrics_worker_restart(struct metrics *m);

/* The block's cache counters and data version word. */
struct cache_counters *metrics_cache(struct metrics *m);
int64_t *metrics_version(struct metrics *m);

/* The Prometheus text format (0.0.4) of it all into a new string (*out,
 * *len); route names are the patterns of the route table. 0, or -1. */
int metrics_render(const struct metrics *m, const char *const *route_names, char **out,
                   size_t *len);

#endif
