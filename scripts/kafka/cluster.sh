# The 3-node KRaft cluster of `scripts/services up|down|status kafka-cluster`
# (sourced by scripts/services, whose kafka_* and stop_pids it uses): nodes 1-3,
# each broker and controller, on the loopback ports of lib.sh, their data
# under var/kafka-cluster/node-N, their properties from cluster-node.properties.in.

KAFKA_CLUSTER_DIR="$VAR/kafka-cluster"
KAFKA_CLUSTER_NODES=(1 2 3)

node_dir() { echo "$KAFKA_CLUSTER_DIR/node-$1"; }
node_pidfile() { echo "$(node_dir "$1")/kafka.pid"; }
node_running() { [ -f "$(node_pidfile "$1")" ] && kill -0 "$(cat "$(node_pidfile "$1")")" 2>/dev/null; }
node_port() { echo "${KAFKA_CLUSTER_PORTS[$1 - 1]}"; }
node_controller_port() { echo "${KAFKA_CLUSTER_CONTROLLER_PORTS[$1 - 1]}"; }

# id@host:port of every voter, and host:port of every controller.
cluster_voters() {
  local n voters=()
  for n in "${KAFKA_CLUSTER_NODES[@]}"; do voters+=("$n@127.0.0.1:$(node_controller_port "$n")"); done
  (IFS=,; echo "${voters[*]}")
}
cluster_controllers() { cluster_voters | sed -E 's/(^|,)[0-9]+@/\1/g'; }

# One id for the whole cluster: every node's storage is formatted with it.
cluster_id() {
  local f="$KAFKA_CLUSTER_DIR/cluster-id"
  [ -s "$f" ] || kafka_random_id >"$f"
  cat "$f"
}

start_cluster_node() {
  local n=$1 dir props
  dir=$(node_dir "$n")
  props="$dir/server.properties"
  mkdir -p "$dir/data"
  sed -e "s#@NODE_ID@#$n#g" -e "s#@HOST@#127.0.0.1#g" -e "s#@PORT@#$(node_port "$n")#g" \
    -e "s#@CONTROLLER_PORT@#$(node_controller_port "$n")#g" -e "s#@VOTERS@#$(cluster_voters)#g" \
    -e "s#@DATA_DIR@#$dir/data#g" "$ROOT/scripts/kafka/cluster-node.properties.in" >"$props"
  [ -f "$dir/data/meta.properties" ] || kafka_format "$dir" "$props" "$(cluster_id)"
  kafka_start "$dir" "$props" "$(node_pidfile "$n")"
}

# Starts the nodes that are not running, then waits for them all: a lone
# node opens its client port only once a quorum has formed.
kafka_cluster_up() {
  local n started=()
  for n in "${KAFKA_CLUSTER_NODES[@]}"; do
    node_running "$n" && continue
    port_open "$(node_port "$n")" && die "kafka-cluster: port $(node_port "$n") is taken by another program"
    port_open "$(node_controller_port "$n")" && die "kafka-cluster: port $(node_controller_port "$n") is taken by another program"
    [ ${#started[@]} -eq 0 ] && { kafka_jvm; mkdir -p "$KAFKA_CLUSTER_DIR"; }
    say "kafka-cluster: starting node $n on 127.0.0.1:$(node_port "$n") (controller $(node_controller_port "$n"))"
    start_cluster_node "$n"
    started+=("$n")
  done
  [ ${#started[@]} -eq 0 ] && return
  for n in "${started[@]}"; do
    wait_port "$(node_port "$n")" 120 || die "kafka-cluster: node $n did not accept connections (logs in $(node_dir "$n"))"
  done
  echo kafka-cluster
}

kafka_cluster_down() {
  local n pids=()
  for n in "${KAFKA_CLUSTER_NODES[@]}"; do node_running "$n" && pids+=("$(cat "$(node_pidfile "$n")")"); done
  # All at once: a node stopping alone would wait for a quorum the others no longer make.
  [ ${#pids[@]} -gt 0 ] && stop_pids "${pids[@]}"
  for n in "${KAFKA_CLUSTER_NODES[@]}"; do rm -f "$(node_pidfile "$n")"; done
}

# Each node, then the active controller (the leader of the metadata quorum) as the controllers tell it.
kafka_cluster_status() {
  local n any=no answer leader
  for n in "${KAFKA_CLUSTER_NODES[@]}"; do
    if node_running "$n"; then
      any=yes
      echo "kafka-cluster: node $n running on 127.0.0.1:$(node_port "$n") (controller $(node_controller_port "$n"), pid $(cat "$(node_pidfile "$n")"))"
    else
      echo "kafka-cluster: node $n stopped"
    fi
  done
  [ "$any" = yes ] || return 0
  kafka_jvm
  answer=$("${KAFKA_JVM[@]}" "$ROOT/scripts/kafka/QuorumLeader.java" "$(cluster_controllers)" 2>&1) || true
  leader=$(sed -n 's/^leader //p' <<<"$answer")
  if [ -n "$leader" ] && [ "$leader" != -1 ]; then
    echo "kafka-cluster: active controller (quorum leader): node $leader"
  else
    echo "kafka-cluster: no quorum leader ($(tail -n 1 <<<"$answer"))"
  fi
}

kafka_cluster() {
  case $1 in
    up) kafka_cluster_up ;;
    down) kafka_cluster_down ;;
    status) kafka_cluster_status ;;
    *) die "usage: scripts/services up|down|status kafka-cluster" ;;
  esac
}
