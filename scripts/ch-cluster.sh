#!/usr/bin/env bash
# ClickHouse replicated on one machine (docs/scaling.md, ADR 0032): a standalone ZooKeeper (Debian's `zookeeper`)
# on 127.0.0.1:2191 and two replicas of the installed clickhouse-server, HTTP 8131/8132, native 9131/9132,
# interserver 9141/9142, with an HAProxy on 8130 in front (replica 2 the backup). Data under .run/ch-cluster/.
# The shared ClickHouse on 8123/9000 is never touched.
#   scripts/ch-cluster.sh start | stop | status | env | kill-replica N (SIGKILL) | stop-replica N (SIGTERM) | revive N
# CH_CLUSTER_DIR moves the data (tests use their own). The apps' settings for it are printed by `env`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CLUSTER_DIR="${CH_CLUSTER_DIR:-$RUN_DIR/ch-cluster}"
ZK_PORT="${CH_CLUSTER_ZK_PORT:-2191}"
PROXY_PORT=8130
HTTP_PORTS=(8131 8132)
TCP_PORTS=(9131 9132)
INTERSERVER_PORTS=(9141 9142)
ZK_HOME=/usr/share/zookeeper

replica_up() { curl -fsS "http://127.0.0.1:${HTTP_PORTS[$(($1 - 1))]}/ping" 2>/dev/null | grep -q Ok; }
zookeeper_up() { [ "$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$ZK_PORT && printf ruok >&3 && cat <&3" 2>/dev/null)" = imok ]; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

ensure_packages() {
  [ -x "$ZK_HOME/bin/zkServer.sh" ] || apt_install zookeeper
  command -v haproxy >/dev/null 2>&1 || apt_install haproxy
  [ -x /usr/sbin/clickhouse-server ] || [ -x /usr/bin/clickhouse-server ] || apt_install clickhouse-server
}

start_zookeeper() {
  if zookeeper_up; then ok "ZooKeeper already running on 127.0.0.1:$ZK_PORT"; return; fi
  mkdir -p "$CLUSTER_DIR/zookeeper"
  sed -e "s#@DATA_DIR@#$CLUSTER_DIR/zookeeper#" -e "s#@ZK_PORT@#$ZK_PORT#" \
    "$ROOT_DIR/ops/clickhouse/zoo.cfg.template" >"$CLUSTER_DIR/zoo.cfg"
  # zkServer.sh puts its pid file in the data dir and its log in ZOO_LOG_DIR.
  ZOO_LOG_DIR="$CLUSTER_DIR/zookeeper" SERVER_JVMFLAGS="-Xmx256m" \
    "$ZK_HOME/bin/zkServer.sh" start "$CLUSTER_DIR/zoo.cfg" >"$CLUSTER_DIR/zookeeper.out" 2>&1 \
    || fail "ZooKeeper did not start (see $CLUSTER_DIR/zookeeper.out)"
  wait_for 60 zookeeper_up || fail "ZooKeeper did not answer on 127.0.0.1:$ZK_PORT (see $CLUSTER_DIR/zookeeper)"
  ok "started ZooKeeper on 127.0.0.1:$ZK_PORT"
}

replica_config() {
  local n=$1 index=$(($1 - 1)) dir="$CLUSTER_DIR/r$1"
  mkdir -p "$dir/data" "$dir/tmp" "$dir/log" "$dir/user_files" "$dir/format_schemas"
  sed -e "s#@DATA_DIR@#$dir#g" -e "s#@ID@#$n#g" -e "s#@HTTP_PORT@#${HTTP_PORTS[$index]}#g" \
    -e "s#@TCP_PORT@#${TCP_PORTS[$index]}#g" -e "s#@INTERSERVER_PORT@#${INTERSERVER_PORTS[$index]}#g" \
    -e "s#@TCP_PORT_1@#${TCP_PORTS[0]}#g" -e "s#@TCP_PORT_2@#${TCP_PORTS[1]}#g" -e "s#@ZK_PORT@#$ZK_PORT#g" \
    "$ROOT_DIR/ops/clickhouse/replica.xml.template" >"$dir/config.xml"
}

start_replica() {
  local n=$1 dir="$CLUSTER_DIR/r$1"
  if replica_up "$n"; then ok "ClickHouse replica $n already running on 127.0.0.1:${HTTP_PORTS[$((n - 1))]}"; return; fi
  replica_config "$n"
  local binary=/usr/sbin/clickhouse-server
  [ -x "$binary" ] || binary=/usr/bin/clickhouse-server
  (
    cd "$dir"
    nohup "$binary" --config-file="$dir/config.xml" >"$dir/log/stdout.log" 2>&1 &
    echo $! >"$dir/pid"
  )
  wait_for 60 replica_up "$n" || fail "ClickHouse replica $n did not start (see $dir/log/)"
  ok "started ClickHouse replica $n on 127.0.0.1:${HTTP_PORTS[$((n - 1))]}"
}

start_proxy() {
  if pid_alive "$CLUSTER_DIR/haproxy.pid"; then ok "HAProxy already running on 127.0.0.1:$PROXY_PORT"; return; fi
  sed -e "s#@RUN_DIR@#$CLUSTER_DIR#g" -e "s#@PROXY_PORT@#$PROXY_PORT#g" \
    -e "s#@HTTP_PORT_1@#${HTTP_PORTS[0]}#g" -e "s#@HTTP_PORT_2@#${HTTP_PORTS[1]}#g" \
    "$ROOT_DIR/ops/clickhouse/haproxy.cfg.template" >"$CLUSTER_DIR/haproxy.cfg"
  haproxy -D -q -f "$CLUSTER_DIR/haproxy.cfg" || fail "HAProxy did not start"
  wait_for 15 sh -c "curl -fsS http://127.0.0.1:$PROXY_PORT/ping | grep -q Ok" || fail "HAProxy did not answer"
  ok "started HAProxy on 127.0.0.1:$PROXY_PORT (replica 1, replica 2 as backup)"
}

stop_pid() {
  local file=$1 signal=${2:-TERM}
  if pid_alive "$file"; then
    local pid
    pid=$(cat "$file")
    kill "-$signal" "$pid"
    wait_for 30 sh -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

print_env() {
  echo "CLICKHOUSE_URL=http://127.0.0.1:$PROXY_PORT"
  echo "CLICKHOUSE_REPLICATED=true"
  echo "CLICKHOUSE_REPLICA_URLS=http://127.0.0.1:${HTTP_PORTS[0]},http://127.0.0.1:${HTTP_PORTS[1]}"
}

replica_number() {
  case "${1:-}" in 1 | 2) echo "$1" ;; *) fail "replica number must be 1 or 2" ;; esac
}

case "${1:-}" in
  start)
    say "ClickHouse cluster (ZooKeeper, 2 replicas, HAProxy)"
    ensure_packages
    mkdir -p "$CLUSTER_DIR"
    start_zookeeper
    start_replica 1
    start_replica 2
    start_proxy
    print_env | sed 's/^/    /'
    ;;
  stop)
    stop_pid "$CLUSTER_DIR/haproxy.pid"
    stop_pid "$CLUSTER_DIR/r2/pid"
    stop_pid "$CLUSTER_DIR/r1/pid"
    if [ -f "$CLUSTER_DIR/zoo.cfg" ]; then
      ZOO_LOG_DIR="$CLUSTER_DIR/zookeeper" "$ZK_HOME/bin/zkServer.sh" stop "$CLUSTER_DIR/zoo.cfg" >/dev/null 2>&1 || true
    fi
    ok "ClickHouse cluster stopped (data kept in $CLUSTER_DIR)"
    ;;
  kill-replica | stop-replica)
    n=$(replica_number "${2:-}")
    signal=KILL
    [ "$1" = stop-replica ] && signal=TERM
    pid_alive "$CLUSTER_DIR/r$n/pid" || fail "ClickHouse replica $n is not running (no live pid in $CLUSTER_DIR/r$n/pid)"
    stop_pid "$CLUSTER_DIR/r$n/pid" "$signal"
    replica_up "$n" && fail "ClickHouse replica $n still answers after SIG$signal"
    ok "sent SIG$signal to ClickHouse replica $n, which is down"
    ;;
  revive)
    n=$(replica_number "${2:-}")
    start_replica "$n"
    ;;
  status)
    zookeeper_up && ok "ZooKeeper up on $ZK_PORT" || warn "ZooKeeper down"
    for n in 1 2; do replica_up "$n" && ok "replica $n up" || warn "replica $n down"; done
    ;;
  env) print_env ;;
  *) fail "usage: scripts/ch-cluster.sh start|stop|status|env|kill-replica N|stop-replica N|revive N" ;;
esac
