#!/bin/sh
# Health check of the app container: GET /api/health over FastCGI on the
# replica's own port, the request nginx would send. Healthy only when the
# server answers 200 (the workers run and reach the database).
out=$(env -i REQUEST_METHOD=GET DOCUMENT_URI=/api/health QUERY_STRING= \
	SERVER_PROTOCOL=HTTP/1.1 REMOTE_ADDR=127.0.0.1 \
	/usr/bin/cgi-fcgi -bind -connect 127.0.0.1:9000 2>&1) || {
	echo "no FastCGI answer on 127.0.0.1:9000: $out"
	exit 1
}
case $out in
"Status: 200 "*) exit 0 ;;
*)
	printf '%s\n' "$out" | head -n 1
	exit 1
	;;
esac
