/* A worker: one FastCGI request at a time on the shared listening socket,
 * one database connection, until told to stop or recycled. */
#ifndef SHINCHOKU_WORKER_H
#define SHINCHOKU_WORKER_H

#include "config.h"

struct metrics;

/* Runs in the child after fork, counting into metrics (shared with the
 * master and the other workers; NULL: none); returns the exit status. */
int worker_run(const struct config *cfg, int listen_fd, struct metrics *metrics);

#endif
