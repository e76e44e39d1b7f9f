# The web image: Debian's nginx with our configuration and the front end.
# Built by docker/compose.yml; see app.Dockerfile.

# ---------------------------------------------------------------- web
# Debian's nginx with our configuration, the security headers shared with the
# development stack, and the front end. nginx runs as www-data (no root
# master): it listens on 8080 (and 8443 with TLS).
FROM debian:12 AS web
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx-light \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /etc/nginx/sites-enabled /etc/nginx/conf.d
COPY docker/nginx.conf /etc/nginx/nginx.conf
COPY docker/nginx-site.conf docker/nginx-headers.conf docker/nginx-tls.conf /etc/nginx/shinchoku/
COPY conf/security-headers.conf /etc/nginx/security-headers.conf
COPY docker/web-entrypoint.sh /usr/local/bin/shinchoku-web
COPY docker/web-health.sh /usr/local/bin/shinchoku-web-health
# www/vendor/ holds the front end's npm libraries (chart.js, read-excel-file),
# put there by `scripts/dev vendor` before the build: npm from inside a
# build may not reach the registry (intranets, TLS-inspecting proxies).
COPY www/ /usr/share/shinchoku/www/
RUN for f in chart.umd.min.js read-excel-file.min.js; do \
      test -s /usr/share/shinchoku/www/vendor/$f \
      || { echo "www/vendor/$f is missing: run scripts/dev vendor before building" >&2; exit 1; }; \
    done
# nginx sends these precompressed copies (gzip_static) instead of
# compressing the same files again for every request.
RUN find /usr/share/shinchoku/www -type f \
      \( -name '*.html' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' \
         -o -name '*.svg' -o -name '*.json' \) -size +1k \
      -exec gzip -9 -n -k {} + \
 && chmod 0755 /usr/local/bin/shinchoku-web /usr/local/bin/shinchoku-web-health \
 && chmod -R a+rX /etc/nginx /usr/share/shinchoku/www
USER www-data
EXPOSE 8080 8443
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/usr/local/bin/shinchoku-web"]
