#!/usr/bin/env bash
# High-availability PostgreSQL on loopback (docs/scaling.md): etcd on 2379, two Patroni nodes (pg1: PostgreSQL
# 5441 + REST 8011, pg2: 5442 + 8012) in synchronous mode, and HAProxy on 5440 (primary) and 5439 (replica).
# `scripts/pg-ha.sh start` is idempotent; `stop` ends them all; `kill-primary` SIGKILLs the primary's Patroni and
# PostgreSQL (a node lost), `revive NAME` starts a node's Patroni again. The default single PostgreSQL is untouched.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HA_DIR=/var/lib/casino-ha
NODES=(pg1 pg2)
declare -A PG_PORT=([pg1]=5441 [pg2]=5442) REST_PORT=([pg1]=8011 [pg2]=8012)

start_etcd() {
  if tcp_open 127.0.0.1 2379; then ok "etcd already running on 127.0.0.1:2379"; return; fi
  as_root mkdir -p "$HA_DIR/etcd"
  as_root start-stop-daemon --start --background --make-pidfile --pidfile /run/casino-ha-etcd.pid \
    --output "$HA_DIR/etcd.log" --exec /usr/bin/etcd -- --name casino-ha --data-dir "$HA_DIR/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster casino-ha=http://127.0.0.1:2380
  wait_for 20 tcp_open 127.0.0.1 2379 || fail "etcd did not start"
  ok "started etcd on 127.0.0.1:2379"
}

start_node() {
  local name=$1 dir="$HA_DIR/$1"
  if tcp_open 127.0.0.1 "${REST_PORT[$name]}"; then ok "Patroni $name already running"; return; fi
  as_root mkdir -p "$dir"
  sed -e "s|@NAME@|$name|g" -e "s|@PG_PORT@|${PG_PORT[$name]}|g" -e "s|@REST_PORT@|${REST_PORT[$name]}|g" \
    -e "s|@DIR@|$dir|g" "$ROOT_DIR/ops/pg-ha/patroni.yml.template" | as_root tee "$dir/patroni.yml" >/dev/null
  as_root chown -R postgres:postgres "$dir"
  as_root chmod 700 "$dir"
  as_root start-stop-daemon --start --background --make-pidfile --pidfile "/run/casino-ha-$name.pid" \
    --chuid postgres --output "$dir/patroni.log" --exec /usr/bin/patroni -- "$dir/patroni.yml"
  wait_for 30 tcp_open 127.0.0.1 "${REST_PORT[$name]}" || fail "Patroni $name did not start (see $dir/patroni.log)"
  ok "started Patroni $name (PostgreSQL on 127.0.0.1:${PG_PORT[$name]})"
}

primary_up() { curl -fsS "http://127.0.0.1:$1/primary" >/dev/null 2>&1; }
any_primary() { primary_up 8011 || primary_up 8012; }
sync_standby() { curl -fsS "http://127.0.0.1:8011/cluster" 2>/dev/null | grep -q '"sync_standby"'; }

start_haproxy() {
  if tcp_open 127.0.0.1 5440; then ok "HAProxy already running on 127.0.0.1:5440"; return; fi
  as_root haproxy -D -p /run/casino-ha-haproxy.pid -f "$ROOT_DIR/ops/pg-ha/haproxy.cfg"
  wait_for 10 tcp_open 127.0.0.1 5440 || fail "HAProxy did not start"
  ok "started HAProxy: primary on 127.0.0.1:5440, replica on 127.0.0.1:5439"
}

# The platform's role and database on the new cluster, as scripts/services.sh makes them on the single node.
ensure_casino_role() {
  local psql=(env PGPASSWORD=postgres psql -q -h 127.0.0.1 -p 5440 -U postgres -d postgres -v ON_ERROR_STOP=1)
  wait_for 30 "${psql[@]}" -c 'SELECT 1' || fail "no primary answers on 127.0.0.1:5440"
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname='casino'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE casino LOGIN CREATEDB PASSWORD 'casino'"
  fi
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname='casino'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE casino OWNER casino"
  fi
  ok "role and database casino on the HA cluster"
}

start_all() {
  for tool in patroni etcd haproxy; do command -v "$tool" >/dev/null 2>&1 || apt_install patroni etcd-server haproxy; done
  # Debian's packages start their own services where systemd runs; this script runs its own on other ports.
  start_etcd
  for name in "${NODES[@]}"; do start_node "$name"; done
  wait_for 60 any_primary || fail "Patroni elected no primary"
  wait_for 60 sync_standby || fail "no synchronous standby"
  start_haproxy
  ensure_casino_role
  ok "PostgreSQL HA: DATABASE_URL=postgres://casino:casino@127.0.0.1:5440/casino"
}

stop_pidfile() {
  local file=$1
  [ -f "$file" ] || return 0
  as_root kill "$(cat "$file")" 2>/dev/null || true
  as_root rm -f "$file"
}

case "${1:-start}" in
  start) say "PostgreSQL high availability (Patroni + etcd + HAProxy)"; start_all ;;
  stop)
    stop_pidfile /run/casino-ha-haproxy.pid
    for name in "${NODES[@]}"; do stop_pidfile "/run/casino-ha-$name.pid"; done
    sleep 3
    stop_pidfile /run/casino-ha-etcd.pid
    ok "PostgreSQL HA stopped" ;;
  kill-primary)
    for name in "${NODES[@]}"; do
      if primary_up "${REST_PORT[$name]}"; then
        as_root kill -9 "$(cat "/run/casino-ha-$name.pid")"
        as_root pkill -9 -f "postgres -D $HA_DIR/$name/data" || true
        echo "$name"
        exit 0
      fi
    done
    fail "no primary to kill" ;;
  revive) start_node "$2" ;;
  *) fail "usage: $0 start|stop|kill-primary|revive NAME" ;;
esac
