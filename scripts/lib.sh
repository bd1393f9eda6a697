# Shared defaults for the scripts: where things live and which loopback ports
# the project's own services use. habbo/settings.py has the same defaults.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"
VENV="${VENV:-$ROOT/.venv}"
REDIS_PORT=6390
KAFKA_PORT=9192
KAFKA_CONTROLLER_PORT=9193
PG_PORT=5442
KAFKA_VERSION=4.4.0
KAFKA_LIBS="$VAR/kafka/libs-$KAFKA_VERSION"

say() { printf '\033[1m[hotel]\033[0m %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# wait_port PORT SECONDS: true once something accepts on 127.0.0.1:PORT.
wait_port() {
  local port=$1 limit=$2 i
  for ((i = 0; i < limit * 5; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && echo "$d"
}
