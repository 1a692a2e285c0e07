#!/usr/bin/env bash
# Makes sure every local service the platform needs is installed and running on loopback:
# PostgreSQL, Redis, NATS with JetStream, ClickHouse and MailDev. Idempotent: what runs is left alone.
# `--cluster` also starts a 3-node NATS JetStream cluster on 4231-4233, `--ha` the high-availability PostgreSQL of
# scripts/pg-ha.sh on 5440, `--ch-cluster` the two ClickHouse replicas with ZooKeeper of scripts/ch-cluster.sh on
# 8130-8132 (docs/scaling.md); the default stays single nodes.
# --prometheus (or PROMETHEUS_ENABLED=1): also Debian's Prometheus on 127.0.0.1:9090, scraping the apps with
# ops/prometheus/prometheus.yml and its alert rules. --promtool: only install the package for its promtool (npm test).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROMETHEUS_ENABLED="${PROMETHEUS_ENABLED:-0}"
PROMTOOL_REQUIRED=0
NATS_CLUSTER=0
PG_HA=0
CH_CLUSTER=0
for arg in "$@"; do
  case "$arg" in
    --prometheus) PROMETHEUS_ENABLED=1 ;;
    --promtool) PROMTOOL_REQUIRED=1 ;;
    --cluster) NATS_CLUSTER=1 ;;
    --ha) PG_HA=1 ;;
    --ch-cluster) CH_CLUSTER=1 ;;
    *) fail "unknown option $arg (known: --prometheus, --promtool, --cluster, --ha, --ch-cluster)" ;;
  esac
done

PG_ROLE=casino
PG_PASSWORD=casino
PG_DATABASE=casino

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then apt_install postgresql; fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    ok "PostgreSQL already running on 127.0.0.1:5432"
  else
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_for 30 pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL did not start"
    ok "started PostgreSQL $version on 127.0.0.1:5432"
  fi
  local psql=(as_root runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres)
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname='$PG_ROLE'")" != 1 ]; then
    "${psql[@]}" -c "CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
    ok "created PostgreSQL role $PG_ROLE"
  fi
  if [ "$("${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname='$PG_DATABASE'")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE"
    ok "created database $PG_DATABASE"
  else
    ok "database $PG_DATABASE exists"
  fi
}

ensure_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
  if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
    ok "Redis already running on 127.0.0.1:6379"
    return
  fi
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 15 sh -c 'redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG' || fail "Redis did not start"
  ok "started Redis on 127.0.0.1:6379"
}

ensure_nats() {
  if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then apt_install nats-server; fi
  if tcp_open 127.0.0.1 4222; then
    ok "NATS already running on 127.0.0.1:4222"
    return
  fi
  as_root mkdir -p /var/lib/nats-server
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_for 15 tcp_open 127.0.0.1 4222 || fail "NATS did not start"
  ok "started NATS with JetStream on 127.0.0.1:4222"
}

NATS_CLUSTER_PORTS=(4231 4232 4233)
NATS_CLUSTER_ROUTES=(6231 6232 6233)

# Three nodes named n1..n3, each with its own store; the apps get NATS_URL as the seed list and
# NATS_STREAM_REPLICAS=3.
ensure_nats_cluster() {
  local routes="" index
  for index in 0 1 2; do routes+="${routes:+,}nats://127.0.0.1:${NATS_CLUSTER_ROUTES[$index]}"; done
  for index in 0 1 2; do
    local port=${NATS_CLUSTER_PORTS[$index]} name="n$((index + 1))"
    if tcp_open 127.0.0.1 "$port"; then
      ok "NATS cluster node $name already running on 127.0.0.1:$port"
      continue
    fi
    as_root mkdir -p "/var/lib/nats-cluster/$name"
    as_root start-stop-daemon --start --background --make-pidfile --pidfile "/run/nats-cluster-$name.pid" \
      --exec /usr/sbin/nats-server -- \
      -a 127.0.0.1 -p "$port" -n "$name" -js -sd "/var/lib/nats-cluster/$name" \
      --cluster_name casino --cluster "nats://127.0.0.1:${NATS_CLUSTER_ROUTES[$index]}" --routes "$routes" \
      -l "/var/log/nats-cluster-$name.log"
    wait_for 15 tcp_open 127.0.0.1 "$port" || fail "NATS cluster node $name did not start"
    ok "started NATS cluster node $name on 127.0.0.1:$port"
  done
  ok "NATS cluster: NATS_URL=nats://127.0.0.1:4231,nats://127.0.0.1:4232,nats://127.0.0.1:4233 NATS_STREAM_REPLICAS=3"
}

clickhouse_up() { curl -fsS http://127.0.0.1:8123/ping 2>/dev/null | grep -q Ok; }

ensure_clickhouse() {
  if clickhouse_up; then
    ok "ClickHouse already running on 127.0.0.1:8123"
    return
  fi
  if [ ! -x /usr/sbin/clickhouse-server ] && [ ! -x /usr/bin/clickhouse-server ]; then
    apt_install clickhouse-server
  fi
  local binary=/usr/sbin/clickhouse-server
  [ -x "$binary" ] || binary=/usr/bin/clickhouse-server
  as_root mkdir -p /var/lib/clickhouse /var/log/clickhouse-server
  as_root chown -R clickhouse:clickhouse /var/lib/clickhouse /var/log/clickhouse-server
  (cd / && as_root start-stop-daemon --start --oknodo --background --chuid clickhouse --exec "$binary" -- \
    --config-file=/etc/clickhouse-server/config.xml)
  wait_for 60 clickhouse_up || fail "ClickHouse did not start (see /var/log/clickhouse-server/)"
  ok "started ClickHouse $(curl -fsS 'http://127.0.0.1:8123/?query=SELECT%20version()') on 127.0.0.1:8123"
}

ensure_maildev() {
  if curl -fsS http://127.0.0.1:1080/email >/dev/null 2>&1; then
    ok "MailDev already running (SMTP 127.0.0.1:1025, inbox http://127.0.0.1:1080)"
    return
  fi
  [ -x "$ROOT_DIR/node_modules/.bin/maildev" ] || fail "MailDev is missing: run npm install first"
  nohup "$ROOT_DIR/node_modules/.bin/maildev" --smtp 1025 --web 1080 --ip 127.0.0.1 --web-ip 127.0.0.1 --silent \
    >"$RUN_DIR/maildev.log" 2>&1 &
  echo $! >"$RUN_DIR/maildev.pid"
  wait_for 30 curl -fsS http://127.0.0.1:1080/email || fail "MailDev did not start (see $RUN_DIR/maildev.log)"
  ok "started MailDev (SMTP 127.0.0.1:1025, inbox http://127.0.0.1:1080)"
}

# Debian's Chromium, the real browser the back office's browser tests drive (playwright-core, no browser download).
ensure_chromium() {
  if [ -x /usr/bin/chromium ]; then
    ok "Chromium present ($(/usr/bin/chromium --version 2>/dev/null | head -n1))"
    return
  fi
  apt_install chromium
}

# Debian's Prometheus package (2.42) brings promtool; node-exporter, only recommended, is left out.
ensure_promtool() {
  if command -v promtool >/dev/null 2>&1; then
    ok "promtool present ($(promtool --version 2>&1 | head -n1))"
    return
  fi
  apt_install --no-install-recommends prometheus
}

prometheus_up() { curl -fsS http://127.0.0.1:9090/-/ready >/dev/null 2>&1; }

ensure_prometheus() {
  ensure_promtool
  if prometheus_up; then
    # Picks up edited rules and targets (started with --web.enable-lifecycle).
    curl -fsS -X POST http://127.0.0.1:9090/-/reload >/dev/null 2>&1 || warn "Prometheus did not reload its config"
    ok "Prometheus already running on http://127.0.0.1:9090 (config reloaded)"
    return
  fi
  mkdir -p "$RUN_DIR/prometheus-data"
  nohup /usr/bin/prometheus --config.file="$ROOT_DIR/ops/prometheus/prometheus.yml" \
    --storage.tsdb.path="$RUN_DIR/prometheus-data" --storage.tsdb.retention.time=2d \
    --web.listen-address=127.0.0.1:9090 --web.enable-lifecycle >"$RUN_DIR/prometheus.log" 2>&1 &
  echo $! >"$RUN_DIR/prometheus.pid"
  wait_for 30 prometheus_up || fail "Prometheus did not start (see $RUN_DIR/prometheus.log)"
  ok "started Prometheus on http://127.0.0.1:9090 (scrapes the apps; alert rules ops/prometheus/alerts.yml)"
}

say "local services"
command -v curl >/dev/null 2>&1 || apt_install curl
ensure_postgres
ensure_redis
ensure_nats
if [ "$NATS_CLUSTER" = 1 ]; then ensure_nats_cluster; fi
if [ "$PG_HA" = 1 ]; then bash "$ROOT_DIR/scripts/pg-ha.sh" start; fi
ensure_clickhouse
if [ "$CH_CLUSTER" = 1 ]; then bash "$ROOT_DIR/scripts/ch-cluster.sh" start; fi
ensure_maildev
ensure_chromium
if [ "$PROMETHEUS_ENABLED" = 1 ]; then ensure_prometheus; elif [ "$PROMTOOL_REQUIRED" = 1 ]; then ensure_promtool; fi
