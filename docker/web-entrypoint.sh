#!/bin/sh
# Entry point of the web image: nginx in the foreground as www-data, its
# error log on stderr and its access log on stdout (docker logs). With a
# certificate mounted (/etc/nginx/tls/tls.crt and tls.key) the TLS server on
# 8443 is switched on too: nginx.conf includes /run/nginx/*.conf, a tmpfs
# where this links docker/nginx-tls.conf.
set -eu
install -d -m 0700 /run/nginx/enabled
if [ -r /etc/nginx/tls/tls.crt ] && [ -r /etc/nginx/tls/tls.key ]; then
	ln -sf /etc/nginx/shinchoku/nginx-tls.conf /run/nginx/enabled/tls.conf
	echo "web: TLS on 8443 (certificate /etc/nginx/tls/tls.crt)" >&2
else
	rm -f /run/nginx/enabled/tls.conf
fi
if [ "$#" -gt 0 ]; then
	exec "$@"
fi
exec /usr/sbin/nginx -e stderr -g 'daemon off;'
