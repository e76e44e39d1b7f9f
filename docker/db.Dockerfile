# The db image: Debian's PostgreSQL 15 with our entry point (roles,
# backups, restores). Built by docker/compose.yml; see app.Dockerfile.

# ---------------------------------------------------------------- db
# Debian's PostgreSQL 15. The package's own cluster (15/main) is dropped:
# docker/db-entrypoint.sh creates the cluster on the volume at first start,
# with the roles of shinchoku. The same image runs the backups.
FROM debian:12 AS db
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
 && pg_dropcluster 15 main \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data \
 && install -d -m 1777 /run/postgresql && chmod 1777 /run/postgresql
COPY docker/db-entrypoint.sh /usr/local/bin/shinchoku-db
RUN chmod 0755 /usr/local/bin/shinchoku-db
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
USER postgres
WORKDIR /var/lib/postgresql
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/shinchoku-db"]
CMD ["postgres"]
