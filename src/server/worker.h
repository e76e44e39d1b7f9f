/* A worker: one FastCGI request at a time on the shared listening socket,
 * one database connection, until told to stop or recycled. */
#ifndef SHINCHOKU_WORKER_H
#define SHINCHOKU_WORKER_H

#include "config.h"

/* Runs in the child after fork; returns the process exit status. */
int worker_run(const struct config *cfg, int listen_fd);

#endif
