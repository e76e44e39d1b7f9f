#!/bin/sh
# Entry point of the db image (Debian's PostgreSQL 15), as the postgres user.
#
#   postgres        (the default) on an empty volume: create the cluster, the
#                   roles and the database of shinchoku, then run the server
#   backup          pg_dump -Fc of the database into /backup, named by the
#                   date and time (UTC): shinchoku-YYYYMMDDTHHMMSSZ.dump
#   restore FILE    pg_restore of such a dump into the database, which must
#                   be empty (a fresh volume: README says how)
#   anything else   run as given
#
# Environment: SHINCHOKU_OWNER_PASSWORD and SHINCHOKU_APP_PASSWORD (first
# start), PGHOST (backup/restore: the server, `db`), PGPASSWORD (backup/
# restore: the owner's password).
#   shinchoku      owns the database; `shinchoku migrate` creates the tables
#   shinchoku_app  what the workers log in as; owns nothing, gets the grants
#                  of the migrations
#   postgres       the superuser: no password, reached only inside the
#                  container (docker compose exec db psql)
set -eu

PGDATA=${PGDATA:-/var/lib/postgresql/data}
# Written last by init_cluster: a cluster without it was left by a first
# start that failed midway, and has no roles.
DONE=shinchoku-initialized

init_cluster() {
	: "${SHINCHOKU_OWNER_PASSWORD:?is not set (see docker/.env.example)}"
	: "${SHINCHOKU_APP_PASSWORD:?is not set (see docker/.env.example)}"
	echo "db: creating the cluster in $PGDATA"
	initdb -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
		--auth-local=peer --auth-host=reject >/dev/null
	cat >>"$PGDATA/postgresql.conf" <<'EOF'

# docker/db-entrypoint.sh: reached by the app over the internal network.
listen_addresses = '*'
unix_socket_directories = '/run/postgresql'
password_encryption = scram-sha-256
EOF
	# Only the two roles of shinchoku, only its database, only from the
	# networks of this container, only with a password.
	cat >"$PGDATA/pg_hba.conf" <<'EOF'
# TYPE  DATABASE   USER                     ADDRESS   METHOD
local   all        postgres                           peer
local   shinchoku  shinchoku,shinchoku_app            scram-sha-256
host    shinchoku  shinchoku,shinchoku_app  samenet   scram-sha-256
EOF
	# A server on the socket only: the health check (TCP) cannot see it,
	# so nothing connects before the roles exist.
	pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w -s start
	# psql's \getenv keeps the passwords off every command line.
	psql -v ON_ERROR_STOP=1 -X -q -U postgres -d postgres <<'EOF'
\getenv owner_password SHINCHOKU_OWNER_PASSWORD
\getenv app_password SHINCHOKU_APP_PASSWORD
CREATE ROLE shinchoku LOGIN CREATEROLE PASSWORD :'owner_password';
CREATE ROLE shinchoku_app LOGIN PASSWORD :'app_password';
CREATE DATABASE shinchoku OWNER shinchoku ENCODING 'UTF8' TEMPLATE template0;
EOF
	pg_ctl -D "$PGDATA" -m fast -w -s stop
	touch "$PGDATA/$DONE"
	echo "db: cluster ready"
}

case ${1:-postgres} in
postgres)
	[ -s "$PGDATA/PG_VERSION" ] || init_cluster
	if [ ! -e "$PGDATA/$DONE" ]; then
		echo "db: $PGDATA holds a cluster that this image did not finish setting up" \
			"(no $DONE): a first start failed midway? Nothing is touched; remove" \
			"the volume to start afresh, or touch the file if the roles exist." >&2
		exit 1
	fi
	unset SHINCHOKU_OWNER_PASSWORD SHINCHOKU_APP_PASSWORD
	exec postgres -D "$PGDATA"
	;;
backup)
	umask 077
	out=/backup/shinchoku-$(date -u +%Y%m%dT%H%M%SZ).dump
	# Written under a temporary name: a failed dump never looks complete.
	pg_dump -Fc -U shinchoku -d shinchoku -f "$out.part"
	mv "$out.part" "$out"
	echo "backup: $out ($(wc -c <"$out") bytes)"
	;;
restore)
	file=${2:?usage: restore /backup/FILE.dump}
	[ -r "$file" ] || { echo "restore: cannot read $file" >&2; exit 1; }
	tables=$(psql -X -At -U shinchoku -d shinchoku \
		-c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
	if [ "$tables" != 0 ]; then
		echo "restore: the database already has $tables tables: restore into a" \
			"fresh volume with the app stopped (README)" >&2
		exit 1
	fi
	# One transaction: a dump that does not restore whole restores nothing.
	pg_restore --exit-on-error --single-transaction -U shinchoku -d shinchoku "$file"
	echo "restore: $file restored"
	;;
*)
	exec "$@"
	;;
esac
