# The Redis Cluster of `scripts/services up|down|status redis-cluster`
# (sourced by scripts/services, whose stop_pids it uses): six nodes on the
# loopback ports of lib.sh, each run from deploy/redis-cluster-node.conf with
# its address, port and files on the command line, its data under
# var/redis-cluster/PORT. Created once with the first three as masters.
#
# `up` starts the nodes that are not running: a node that stopped (killed by
# a test) rejoins with its nodes.conf, as a replica if its replica took over.
# With no node running, this test cluster is made afresh (what a test run
# left is not worth keeping): no stale nodes.conf or append-only file.

REDIS_CLUSTER_DIR="$VAR/redis-cluster"

rnode_dir() { echo "$REDIS_CLUSTER_DIR/$1"; }
rnode_pidfile() { echo "$(rnode_dir "$1")/redis.pid"; }
# A node killed a moment ago may linger as a zombie until its parent reaps it: not running.
rnode_running() {
  local f=$(rnode_pidfile "$1")
  [ -f "$f" ] || return 1
  case $(ps -o stat= -p "$(cat "$f")" 2>/dev/null) in "" | Z*) return 1 ;; esac
}
rnode_cli() {
  local port=$1
  shift
  redis-cli -h 127.0.0.1 -p "$port" "$@"
}

# start_rnode PORT: the one command line of a node, the first start and every restart.
start_rnode() {
  local port=$1 dir
  dir=$(rnode_dir "$port")
  mkdir -p "$dir"
  redis-server "$ROOT/deploy/redis-cluster-node.conf" --bind 127.0.0.1 --port "$port" --dir "$dir" \
    --daemonize yes --pidfile "$(rnode_pidfile "$port")" --logfile "$dir/redis.log" >/dev/null
}

# Every node serves (cluster_state ok, all 16384 slots on live masters, six
# nodes known, none failed) and every master has a replica whose link is up.
redis_cluster_healthy() {
  local port info
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    info=$(rnode_cli "$port" cluster info 2>/dev/null) || return 1
    grep -q '^cluster_state:ok' <<<"$info" || return 1
    grep -q '^cluster_slots_ok:16384' <<<"$info" || return 1
    grep -q '^cluster_known_nodes:6' <<<"$info" || return 1
    info=$(rnode_cli "$port" info replication 2>/dev/null) || return 1
    if grep -q '^role:slave' <<<"$info"; then grep -q '^master_link_status:up' <<<"$info" || return 1; fi
  done
  rnode_cli "${REDIS_CLUSTER_PORTS[0]}" cluster nodes | awk '
    $3 ~ /fail|handshake|noaddr/ { bad = 1 }
    $3 ~ /master/ && NF > 8 { masters[$1] = 1 }
    $3 ~ /slave/ { replicated[$4] = 1 }
    END {
      n = 0
      for (id in masters) { n++; if (!(id in replicated)) bad = 1 }
      exit (bad || n != 3)
    }'
}

redis_cluster_create() {
  local port addresses=()
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do addresses+=("127.0.0.1:$port"); done
  say "redis-cluster: creating the cluster (masters ${addresses[*]:0:3})"
  redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes \
    >"$REDIS_CLUSTER_DIR/create.log" 2>&1 && return
  cat "$REDIS_CLUSTER_DIR/create.log" >&2
  # Nodes left running half-joined would be taken for a cluster by the next `up`.
  redis_cluster_down
  die "redis-cluster: creating the cluster failed"
}

redis_cluster_up() {
  local port fresh=yes started=() i
  command -v redis-server >/dev/null || die "redis-server is not installed (run scripts/bootstrap --cluster)"
  command -v redis-cli >/dev/null || die "redis-cli is not installed (run scripts/bootstrap --cluster)"
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do rnode_running "$port" && fresh=no; done
  if [ "$fresh" = no ]; then
    for port in "${REDIS_CLUSTER_PORTS[@]}"; do
      rnode_running "$port" || [ -f "$(rnode_dir "$port")/nodes.conf" ] && continue
      say "redis-cluster: node $port lost its cluster state; making the cluster afresh"
      redis_cluster_down
      fresh=yes
      break
    done
  fi
  [ "$fresh" = yes ] && rm -rf "$REDIS_CLUSTER_DIR"/*/nodes.conf "$REDIS_CLUSTER_DIR"/*/*.rdb \
    "$REDIS_CLUSTER_DIR"/*/appendonlydir
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    rnode_running "$port" && continue
    port_open "$port" && die "redis-cluster: port $port is taken by another program"
    port_open "$((port + 10000))" && die "redis-cluster: port $((port + 10000)) (cluster bus) is taken by another program"
    say "redis-cluster: starting node 127.0.0.1:$port"
    start_rnode "$port"
    started+=("$port")
  done
  [ ${#started[@]} -eq 0 ] && return
  for port in "${started[@]}"; do
    wait_port "$port" 30 || die "redis-cluster: node $port did not accept connections (log in $(rnode_dir "$port"))"
  done
  [ "$fresh" = yes ] && redis_cluster_create
  for ((i = 0; i < 300; i++)); do
    redis_cluster_healthy && { echo redis-cluster; return; }
    sleep 0.2
  done
  die "redis-cluster: not every slot served by a master with a replica after 60 s (scripts/services status redis-cluster)"
}

redis_cluster_down() {
  local port pids=()
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do rnode_running "$port" && pids+=("$(cat "$(rnode_pidfile "$port")")"); done
  [ ${#pids[@]} -gt 0 ] && stop_pids "${pids[@]}"
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do rm -f "$(rnode_pidfile "$port")"; done
}

# Each node's role as the node itself sees it, then the cluster's state as the first running node sees it.
redis_cluster_status() {
  local port any= nodes
  for port in "${REDIS_CLUSTER_PORTS[@]}"; do
    if ! rnode_running "$port"; then
      echo "redis-cluster: node 127.0.0.1:$port stopped"
      continue
    fi
    any=${any:-$port}
    nodes=$(rnode_cli "$port" cluster nodes 2>/dev/null) || nodes=
    echo "redis-cluster: node 127.0.0.1:$port running (pid $(cat "$(rnode_pidfile "$port")")), $(
      awk '
        { address[$1] = $2; sub(/@.*/, "", address[$1]) }
        $3 ~ /myself/ { flags = $3; master = $4; slots = ""; for (i = 9; i <= NF; i++) slots = slots (slots ? "," : "") $i }
        END {
          if (flags ~ /slave/) print "replica of " address[master]
          else if (slots) print "master of slots " slots
          else if (flags) print "master of no slots"
          else print "not answering"
        }' <<<"$nodes"
    )"
  done
  [ -n "$any" ] || return 0
  echo "redis-cluster: $(rnode_cli "$any" cluster info | tr -d '\r' | awk -F: '
    $1 == "cluster_state" { state = $2 } $1 == "cluster_slots_ok" { ok = $2 }
    END { print "cluster_state " state ", " ok " of 16384 slots served" }')"
}

redis_cluster() {
  case $1 in
    up) redis_cluster_up ;;
    down) redis_cluster_down ;;
    status) redis_cluster_status ;;
    *) die "usage: scripts/services up|down|status redis-cluster" ;;
  esac
}
