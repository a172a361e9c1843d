#!/bin/sh
# Runs once, when the PostgreSQL volume is first initialised (docker-entrypoint-initdb.d):
# Temporal's two databases, and the role trainops' processes connect as. That role may only
# append to the event log and read it; `trainops db grant-app-role` (the migrate service) gives
# it exactly those privileges after the owner ran the migrations.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$TRAINOPS_APP_DB_PASSWORD" <<'SQL'
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
CREATE ROLE trainops_app LOGIN PASSWORD :'app_password';
GRANT CONNECT ON DATABASE trainops TO trainops_app;
SQL
