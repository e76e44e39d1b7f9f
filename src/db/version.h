/* The data version (sql/011): a number that changes with every committed
 * write to what the GET answers read. A worker learns of new ones through
 * LISTEN/NOTIFY on its connection, drained before each request, and reads
 * it after each write it makes itself; the largest seen is kept in a word
 * the workers share, so a write answered by one worker is known to all
 * before its answer leaves. */
#ifndef SHINCHOKU_DB_VERSION_H
#define SHINCHOKU_DB_VERSION_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* Keeps the version in *shared (a word of memory all workers map) instead
 * of the handle; call before the first db_ensure. */
void db_version_share(struct db *db, int64_t *shared);

/* With trust, db_version_current believes the notifications and the
 * worker's own writes alone and asks the server nothing (a write made
 * outside the portal, by psql or an import, is seen when its notification
 * arrives, a moment after its commit); without (the default), it reads the
 * version too, one indexed row, and is never behind any commit. */
void db_version_trust_notify(struct db *db, bool trust);

/* The current data version: notifications that arrived are drained first.
 * 0 when it is not known (the connection is down or broke): the caller
 * then neither tags nor caches. */
int64_t db_version_current(struct db *db);

/* After a request that may have written: reads the committed version and
 * publishes it. Harmless when the connection is down. */
void db_version_refresh(struct db *db);

/* How many times the handle reconnected after losing its connection. */
long db_reconnects(const struct db *db);

#endif
