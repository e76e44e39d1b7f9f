#!/bin/bash
# Health check of the web container: nginx answers its own front page on
# 8080 (bash's /dev/tcp: the image has no HTTP client). Whether the app
# answers behind it is the app's own health check.
exec 3<>/dev/tcp/127.0.0.1/8080 || exit 1
printf 'HEAD / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS= read -r -t 5 status <&3 || exit 1
[[ $status == "HTTP/1."?" 200 "* ]] || { echo "nginx answered: $status"; exit 1; }
