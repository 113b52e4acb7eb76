#!/bin/sh
# Makes or brings up to date the role and schema of each service of MINYI_SERVICES (service-role.sql) in
# the database that PGHOST, PGUSER (a superuser), PGPASSWORD and PGDATABASE name. Each role's password is
# MINYI_PG_PASSWORD_<SERVICE>; its connection limit is MINYI_PG_CONNECTION_LIMIT. docker-compose.yml runs
# it before any service starts.
set -eu
dir="$(dirname "$0")"
for name in ${MINYI_SERVICES:?list the services in MINYI_SERVICES}; do
  var="MINYI_PG_PASSWORD_$(echo "$name" | tr '[:lower:]' '[:upper:]')"
  MINYI_ROLE_PASSWORD="$(printenv "$var")" || { echo "$var is not set" >&2; exit 1; }
  export MINYI_ROLE_PASSWORD
  psql -qX -v ON_ERROR_STOP=1 -v service="$name" -v connection_limit="${MINYI_PG_CONNECTION_LIMIT:?}" \
    -f "$dir/service-role.sql"
  echo "role minyi_$name: ready"
done
