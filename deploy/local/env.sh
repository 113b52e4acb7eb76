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
# Each backend: name and gRPC port (metrics on port + 2000). MINYI_GRPC_PORT_BASE (default 7100) moves
# them all, so a second platform (a benchmark) can run beside the first on one host.
PORT_BASE="${MINYI_GRPC_PORT_BASE:-7100}"
SERVICES=(identity:$PORT_BASE deputies:$((PORT_BASE + 1)) suggestions:$((PORT_BASE + 2)) voting:$((PORT_BASE + 3))
  evaluation:$((PORT_BASE + 4)) notifications:$((PORT_BASE + 5)))
# Services that call others (notifications resolves recipients) find them as MINYI_<NAME>_ADDR.
for s in "${SERVICES[@]}"; do
  name="${s%%:*}"
  export "MINYI_${name^^}_ADDR=127.0.0.1:${s##*:}"
done

as_pg() {  # PostgreSQL will not run as root: use its system user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

alive() {  # pid: running, not a zombie (which kill -0 also finds: exited, waiting for its parent to reap it)
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"  # the state follows the command name, which may hold spaces
  [ "${stat%% *}" != Z ]
}

our_redis() {  # the Redis answering on REDIS_PORT is the one run started for this data folder
  [ -f "$RUN/redis.pid" ] || return 1
  local pid dir
  pid="$(redis-cli -p "$REDIS_PORT" info server 2>/dev/null | tr -d '\r' | sed -n 's/^process_id://p')"
  dir="$(redis-cli -p "$REDIS_PORT" config get dir 2>/dev/null | sed -n 2p)"
  [ -n "$pid" ] && [ "$pid" = "$(cat "$RUN/redis.pid")" ] && [ "$dir" = "$(realpath "$DATA/redis")" ]
}
