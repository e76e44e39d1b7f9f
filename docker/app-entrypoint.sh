#!/bin/sh
# Entry point of the app image. `serve` (the default): migrate the database
# (retrying while it starts), load the FY2024 dataset when SHINCHOKU_SEED=1
# and no plan exists, then become the FastCGI master, PID 1: it handles
# SIGTERM (graceful stop) and SIGHUP (reload) itself. It listens on TCP
# port 9000 of the internal network `fcgi`, which only nginx shares: each
# replica of `docker compose up --scale app=N` is one more address there.
#
# Every replica migrates and seeds at start; both jobs take an advisory lock
# in the database, so replicas starting together apply each step once.
#
# Environment: SHINCHOKU_APP_PASSWORD and SHINCHOKU_OWNER_PASSWORD (required),
# SHINCHOKU_DB_HOST (db), SHINCHOKU_DB_PORT (5432), SHINCHOKU_WORKERS (0 =
# one per core), SHINCHOKU_CACHE_KB (1536), SHINCHOKU_SEED (0), SHINCHOKU_COOKIE_SECURE (1: the portal
# is reached over HTTPS), SHINCHOKU_DB_WAIT (seconds, 60).
#
# `user add …` creates a user (the first admin) with the container's database
# settings, the password read from stdin:
#   printf '%s\n' "$PW" | docker compose -f docker/compose.yml run --rm -T app user add admin admin - 管理者
# Any other command is run as given (e.g. `sh` to look around).
set -eu

if [ "$#" -gt 0 ] && [ "$1" != serve ] && [ "$1" != user ]; then
	exec "$@"
fi

: "${SHINCHOKU_APP_PASSWORD:?is not set (see docker/.env.example)}"
: "${SHINCHOKU_OWNER_PASSWORD:?is not set (see docker/.env.example)}"
DB_HOST=${SHINCHOKU_DB_HOST:-db}
DB_PORT=${SHINCHOKU_DB_PORT:-5432}
WAIT=${SHINCHOKU_DB_WAIT:-60}
DATA=/usr/local/share/shinchoku/data/nakano-plan-r6.json
TIMELINE='（仮称）中野区ＤＸ推進計画'

conninfo() {
	echo "host=$DB_HOST port=$DB_PORT dbname=shinchoku user=$1 connect_timeout=3"
}

# libpq reads the passwords from a passfile (on the tmpfs /tmp): they stay
# out of argv and out of the config. ':' and '\' are escaped as the
# passfile format wants.
pgpass_line() {
	printf '*:*:*:%s:%s\n' "$1" "$(printf '%s' "$2" | sed 's/[\\:]/\\&/g')"
}
export PGPASSFILE=/tmp/shinchoku.pgpass
umask 077
{
	pgpass_line shinchoku "$SHINCHOKU_OWNER_PASSWORD"
	pgpass_line shinchoku_app "$SHINCHOKU_APP_PASSWORD"
} >"$PGPASSFILE"

if [ "${1:-}" = user ]; then
	# The command's own arguments first, then the container's settings.
	exec shinchoku "$@" --config=/etc/shinchoku/shinchoku.conf --db-admin="$(conninfo shinchoku)"
fi

# Settings of the container; everything else comes from the config file.
set -- --config=/etc/shinchoku/shinchoku.conf \
	--listen=0.0.0.0:9000 --pid-file= \
	--workers="${SHINCHOKU_WORKERS:-0}" \
	--response-cache-kb="${SHINCHOKU_CACHE_KB:-1536}" \
	--cookie-secure="${SHINCHOKU_COOKIE_SECURE:-1}" \
	--db="$(conninfo shinchoku_app)" --db-admin="$(conninfo shinchoku)"

deadline=$(($(date +%s) + WAIT))
until shinchoku migrate "$@"; do
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "entrypoint: migrate still failing after ${WAIT}s: giving up" >&2
		exit 1
	fi
	echo "entrypoint: database not ready, retrying in 2 s" >&2
	sleep 2
done

if [ "${SHINCHOKU_SEED:-0}" = 1 ]; then
	shinchoku import "$@" --if-empty --timeline-plan="$TIMELINE" "$DATA"
fi

# The server only needs its own role's password from here on.
pgpass_line shinchoku_app "$SHINCHOKU_APP_PASSWORD" >"$PGPASSFILE"
unset SHINCHOKU_APP_PASSWORD SHINCHOKU_OWNER_PASSWORD
umask 022
exec shinchoku serve "$@"
