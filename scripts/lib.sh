# Shared defaults for the scripts: where things live and which loopback ports
# the project's own services use. habbo/settings.py has the same defaults.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VAR="$ROOT/var"
VENV="${VENV:-$ROOT/.venv}"
REDIS_PORT=6390
KAFKA_PORT=9192
KAFKA_CONTROLLER_PORT=9193
PG_PORT=5442
# HAProxy (scripts/services up haproxy) and the web processes behind it
# (Procfile.cluster); WEB_PORTS in the environment lists others.
HAPROXY_PORT=8800
WEB_PORTS=${WEB_PORTS:-8801 8802 8803}
# The 3-node Kafka cluster (scripts/services up kafka-cluster): node N takes
# clients on the Nth port of the first list, its controller the Nth of the second.
KAFKA_CLUSTER_PORTS=(9392 9393 9394)
KAFKA_CLUSTER_CONTROLLER_PORTS=(9492 9493 9494)
KAFKA_CLUSTER_BOOTSTRAP=$(printf '127.0.0.1:%s,' "${KAFKA_CLUSTER_PORTS[@]}")
KAFKA_CLUSTER_BOOTSTRAP=${KAFKA_CLUSTER_BOOTSTRAP%,}
# The Redis Cluster (scripts/services up redis-cluster): six nodes, the first
# three the masters it is created with, each of the others a replica.
REDIS_CLUSTER_PORTS=(7391 7392 7393 7394 7395 7396)
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

# For the test scripts (scripts/test, scripts/test-cluster).
TEST_SECRET_KEY=test-only-secret-key-not-for-production-use-0123456789
test_database_url() { echo "${TEST_DATABASE_URL:-postgres://habbo:habbo@127.0.0.1:$PG_PORT/habbo}"; }

# test_services_up NAME...: these, and the project's PostgreSQL unless
# TEST_DATABASE_URL names another (a DATABASE_URL meant for the app does not
# make it external here).
test_services_up() {
  if [ -z "${TEST_DATABASE_URL:-}" ]; then
    env -u DATABASE_URL "$ROOT/scripts/services" up "$@" postgres >/dev/null
  else
    "$ROOT/scripts/services" up "$@" >/dev/null
  fi
}
