#!/bin/sh
# Run once by the postgres image on an empty data volume (mounted into
# /docker-entrypoint-initdb.d/): the roles and the database of shinchoku.
#   shinchoku      owns the database; `shinchoku migrate` creates the tables
#   shinchoku_app  what the workers log in as; owns nothing, gets the grants
#                  of the migrations
# Passwords come from the environment (docker/.env), read by psql's \getenv
# so that they never appear on a command line.
set -e
: "${SHINCHOKU_OWNER_PASSWORD:?is not set (see docker/.env.example)}"
: "${SHINCHOKU_APP_PASSWORD:?is not set (see docker/.env.example)}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname postgres <<'EOF'
\getenv owner_password SHINCHOKU_OWNER_PASSWORD
\getenv app_password SHINCHOKU_APP_PASSWORD
CREATE ROLE shinchoku LOGIN CREATEROLE PASSWORD :'owner_password';
CREATE ROLE shinchoku_app LOGIN PASSWORD :'app_password';
CREATE DATABASE shinchoku OWNER shinchoku ENCODING 'UTF8';
EOF
