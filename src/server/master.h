/* The supervising master: opens the socket, forks the workers, replaces
 * any that dies, reloads on SIGHUP and stops gracefully on SIGTERM. */
#ifndef SHINCHOKU_MASTER_H
#define SHINCHOKU_MASTER_H

#include "config.h"

/* Re-reads the settings for a reload; returns 0 or -1 (message logged). */
typedef int (*master_reload_fn)(struct config *out);

/* Runs until stopped; returns the process exit status. */
int master_run(const struct config *cfg, master_reload_fn reload);

/* Opens the listening socket named by cfg->listen ("unix:/path" or
 * "host:port"), with the mode and group of cfg for a unix socket. Returns
 * the descriptor, or -1 with a message in err. */
int master_listen(const struct config *cfg, char *err, size_t errlen);

#endif
