# Shared settings of deploy/local/run and deploy/local/stop (sourced, not run).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${MINYI_DATA_DIR:-$ROOT/.data}"
BUILD="${MINYI_BUILD_DIR:-$ROOT/build}"
HTTP_PORT="${MINYI_HTTP_PORT:-8080}"
PG_PORT="${MINYI_PG_PORT:-15432}"
REDIS_PORT="${MINYI_REDIS_PORT:-16379}"
PG_BIN=/usr/lib/postgresql/15/bin
RUN="$DATA/run"
LOGS="$DATA/logs"
# Each backend: name and gRPC port (metrics on port + 2000).
SERVICES=(identity:7100 deputies:7101 suggestions:7102)

as_pg() {  # PostgreSQL will not run as root: use its system user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
