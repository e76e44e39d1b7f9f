# The app image: the FastCGI server `shinchoku`, built from the repository
# root (docker/compose.yml builds it; by hand:
#   docker build -f docker/app.Dockerfile -t shinchoku-app .).
# Every image of the deployment (app.Dockerfile, db.Dockerfile,
# web.Dockerfile) starts FROM debian:12 and installs Debian's packages only:
# on a site with a registry that is the official image; on a closed network
# it is one `docker load` (README, "Deployment with docker compose"). Plain
# Dockerfile syntax: the classic builder of Debian's docker-compose 1.29 and
# BuildKit both build it. Three files rather than one with targets: the
# classic builder builds every stage before the target, so one file would
# compile the server three times in a parallel build. DEBIAN_FRONTEND is set
# on the apt-get line, not as an ARG: an identical first step in the three
# files, built in parallel, gives three cache entries of which a later build
# finds only one, and rebuilds the other two images whole.

# ---------------------------------------------------------------- build
FROM debian:12 AS build
# zlib1g-dev: libxlsxwriter's pkg-config file links -lz.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config zlib1g-dev libbrotli-dev \
      libfcgi-dev libpq-dev libjson-c-dev libsodium-dev libxlsxwriter-dev \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*
WORKDIR /src
# Only what the compiler reads: a change to sql/, data/ or www/ does not
# compile the server again (the app stage copies sql/ and data/ itself).
COPY CMakeLists.txt ./
COPY src/ src/
# The tests run in CI against a real stack (scripts/dev test), not here.
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
 && cmake --build build -j"$(nproc)" \
 && install -D -s build/shinchoku /out/shinchoku

# ---------------------------------------------------------------- app
# The FastCGI server: only the shared libraries it links, and cgi-fcgi for
# the health check (docker/app-health.sh). Runs as a user of its own; the
# compose file mounts the root read-only with a tmpfs on /tmp.
FROM debian:12 AS app
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libfcgi0ldbl libpq5 libjson-c5 libsodium23 libxlsxwriter4 libbrotli1 zlib1g libfcgi-bin \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* \
 && useradd --system --uid 10001 --user-group --home-dir /nonexistent \
      --no-create-home --shell /usr/sbin/nologin shinchoku
COPY --from=build /out/shinchoku /usr/local/bin/shinchoku
COPY sql/ /usr/local/share/shinchoku/sql/
COPY data/ /usr/local/share/shinchoku/data/
COPY conf/shinchoku.conf /etc/shinchoku/shinchoku.conf
COPY docker/app-entrypoint.sh /usr/local/bin/shinchoku-entrypoint
COPY docker/app-health.sh /usr/local/bin/shinchoku-health
RUN chmod 0755 /usr/local/bin/shinchoku-entrypoint /usr/local/bin/shinchoku-health \
 && chmod 0644 /etc/shinchoku/shinchoku.conf \
 && shinchoku --version
USER 10001:10001
WORKDIR /tmp
EXPOSE 9000
ENTRYPOINT ["/usr/local/bin/shinchoku-entrypoint"]
CMD ["serve"]

