#!/usr/bin/env bash
# npm start: installs what is missing, starts the services, migrates, seeds demo data and runs
# API_INSTANCES nest-app instances (default 1: :3000; more: :3002, :3003, ...), worker-etl (:3001) and the
# gateway (:8080) in front of the instances, until Ctrl-C. `npm start -- --prometheus` (or PROMETHEUS_ENABLED=1)
# also runs Prometheus (:9090) scraping them, with the alert rules of ops/prometheus/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROMETHEUS_ENABLED="${PROMETHEUS_ENABLED:-0}"
for arg in "$@"; do
  case "$arg" in
    --prometheus) PROMETHEUS_ENABLED=1 ;;
    *) fail "unknown option $arg (known: --prometheus)" ;;
  esac
done
export PROMETHEUS_ENABLED

API_INSTANCES="${API_INSTANCES:-1}"
[[ "$API_INSTANCES" =~ ^[1-9]$ ]] || fail "API_INSTANCES must be a number from 1 to 9 (got '$API_INSTANCES')"
# Prometheus scrapes :3000 and, through this file, the other instances (written before Prometheus starts, so that it
# watches the file from the start; a later change is picked up without a reload).
write_prometheus_targets "$API_INSTANCES" "$RUN_DIR/prometheus/nest-app-instances.json"

ensure_node_modules
bash "$ROOT_DIR/scripts/services.sh"
build_all

cd "$ROOT_DIR"
say "building the back office (frontend/backoffice, Vite)"
npm run build --silent -w frontend/backoffice >"$RUN_DIR/backoffice-build.log" 2>&1 \
  || fail "the back office did not build (see $RUN_DIR/backoffice-build.log)"
ok "built frontend/backoffice/dist (served by nest-app at /backoffice/)"
say "migrating PostgreSQL and ClickHouse"
node backend/nest-app/dist/cli/migrate.js run
say "seeding demo data"
node backend/nest-app/dist/cli/seed.js

# name, compiled entry point, port whose /health/ready must answer 200, settings of its own. Add an app with one line.
# The nest-app instances trust the gateway's X-Forwarded-For; only the first runs the outbox relay in process.
APPS=()
UPSTREAMS=()
for ((i = 1; i <= API_INSTANCES; i++)); do
  port="$(api_instance_port "$i")"
  name=nest-app; [ "$API_INSTANCES" -gt 1 ] && name="nest-app-$i"
  relay=true; [ "$i" -gt 1 ] && relay=false
  APPS+=("$name backend/nest-app/dist/main.js $port API_PORT=$port API_TRUSTED_PROXIES=127.0.0.1,::1 OUTBOX_RELAY_ENABLED=$relay")
  UPSTREAMS+=("http://127.0.0.1:$port")
done
GATEWAY_UPSTREAMS="$(IFS=,; echo "${UPSTREAMS[*]}")"
APPS+=(
  "worker-etl backend/worker-etl/dist/main.js 3001"
  "gateway backend/gateway/dist/main.js 8080 GATEWAY_UPSTREAMS=$GATEWAY_UPSTREAMS"
  "demo-provider backend/demo-provider/dist/main.js 4100"
  "sandbox-psp backend/sandbox-psp/dist/main.js 4010"
)

for app in "${APPS[@]}"; do
  set -- $app
  tcp_open 127.0.0.1 "$3" && fail "port $3 is taken: is the platform already running? (stop it, or see $RUN_DIR/*.log)"
done

pids=()
stop_all() {
  trap - INT TERM EXIT
  [ "${#pids[@]}" -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
}
trap stop_all INT TERM EXIT

# worker-etl's heap (docs/reports.md, "Measured"): without a bound V8 lets an export's garbage pile up past 300 MB.
WORKER_ETL_NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=8"

start_app() {
  local name="$1" entry="$2"
  shift 3
  local node_options="${NODE_OPTIONS:-}"
  [ "$name" = worker-etl ] && node_options="$WORKER_ETL_NODE_OPTIONS"
  env NODE_OPTIONS="$node_options" "$@" node "$entry" >"$RUN_DIR/$name.log" 2>&1 &
  pids+=($!)
}

say "starting the apps (logs in $RUN_DIR/)"
for app in "${APPS[@]}"; do
  set -- $app
  start_app "$@"
done

for app in "${APPS[@]}"; do
  set -- $app
  if wait_for 60 curl -fsS "http://127.0.0.1:$3/health/ready"; then
    ok "$1 ready on http://127.0.0.1:$3"
  else
    tail -n 20 "$RUN_DIR/$1.log" >&2
    fail "$1 did not become ready (see $RUN_DIR/$1.log)"
  fi
done

PROMETHEUS_LINE=""
if [ "$PROMETHEUS_ENABLED" = 1 ]; then
  PROMETHEUS_LINE="    Prometheus      http://127.0.0.1:9090   (targets: /targets, alerts: /alerts; rules ops/prometheus/alerts.yml)
    Dashboards      ops/grafana/*.json       (import into Grafana with this Prometheus as data source: docs/operations.md)
"
fi

cat <<MSG

  The platform is up. Players and staff use the gateway: http://127.0.0.1:8080
    API             http://127.0.0.1:8080/api/v1/   ($API_INSTANCES nest-app instance(s) behind it: $GATEWAY_UPSTREAMS)
    Back office     http://127.0.0.1:8080/backoffice/  (staff: admin@example.test; the first sign-in enrols TOTP)
    API docs        http://127.0.0.1:8080/docs        (OpenAPI JSON: /docs-json)
    Gateway health  http://127.0.0.1:8080/health/ready (metrics: /metrics)
    API health      http://127.0.0.1:3000/health/ready (metrics: /metrics; each instance on its own port)
    Worker          http://127.0.0.1:3001/health/ready
    Mail inbox      http://127.0.0.1:1080
    SMS inbox       http://127.0.0.1:8080/api/v1/dev/sms-inbox
    Sandbox PSP     http://127.0.0.1:4010   (hosted payment pages)
    Demo provider   http://127.0.0.1:4100   (demo games)
    Demo players    alice@example.test, bob@example.test, charlie@example.test (sign in with an emailed code)
    Logs            $RUN_DIR/<app>.log
$PROMETHEUS_LINE
  Ctrl-C stops the apps (the services keep running).
MSG

wait -n "${pids[@]}"
fail "an app stopped; see $RUN_DIR/*.log"
