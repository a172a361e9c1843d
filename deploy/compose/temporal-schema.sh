#!/bin/sh
# One-shot: create or upgrade Temporal's schema with temporal-sql-tool (the production path;
# the auto-setup image is for development). Safe to run on every `docker compose up`:
# setup-schema -v 0.0 only creates the version table if missing, update-schema applies what
# is newer than the recorded version.
set -eu
export SQL_PASSWORD="$POSTGRES_PASSWORD"
SCHEMA=/etc/temporal/schema/postgresql/v12
for pair in "temporal:temporal" "temporal_visibility:visibility"; do
  db=${pair%%:*}
  dir=${pair##*:}
  temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u "$POSTGRES_USER" --db "$db" \
    setup-schema -v 0.0
  temporal-sql-tool --plugin postgres12 --ep postgres -p 5432 -u "$POSTGRES_USER" --db "$db" \
    update-schema -d "$SCHEMA/$dir/versioned"
done
