# Shared helpers for the platform scripts. Sourced, not run.
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="$ROOT_DIR/.run"
mkdir -p "$RUN_DIR"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
ok() { printf '    \033[32m✓\033[0m %s\n' "$*"; }
warn() { printf '    \033[33m!\033[0m %s\n' "$*" >&2; }
fail() { printf '\033[31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Waits until a command succeeds, up to N seconds.
wait_for() {
  local seconds="$1"; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

APT_UPDATED=0
apt_install() {
  say "installing Debian packages: $*"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$RUN_DIR/apt.log" 2>&1; then
    if [ "$APT_UPDATED" = 0 ]; then
      as_root apt-get update -q >>"$RUN_DIR/apt.log" 2>&1 || true
      APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$RUN_DIR/apt.log" 2>&1 \
      || fail "could not install $* (see $RUN_DIR/apt.log)"
  fi
  ok "installed $*"
}

# npm install when node_modules is missing or older than the lockfile.
ensure_node_modules() {
  cd "$ROOT_DIR"
  if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
     || [ package.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (Node 24 comes with them as the node@24 package)"
    npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
    ok "npm packages installed"
  else
    ok "npm packages already installed"
  fi
  export PATH="$ROOT_DIR/node_modules/.bin:$PATH"
  ok "node $(node --version) from node_modules/.bin"
}

# Compiles the libraries and apps (incremental) and copies non-TypeScript assets.
build_all() {
  cd "$ROOT_DIR"
  say "building (tsc -b, incremental)"
  npx tsc -b tsconfig.build.json
  bash scripts/copy-assets.sh
  ok "built"
}

# The port of nest-app instance N of `npm start` (1: :3000; 2: :3002, 3: :3003, ...; :3001 is worker-etl's).
api_instance_port() { echo $(($1 == 1 ? 3000 : 3000 + $1)); }

# Prometheus's file-based discovery of the nest-app instances beyond the first (ops/prometheus/prometheus.yml reads
# .run/prometheus/nest-app-instances.json and picks up a change without a reload): writes the targets of N instances.
write_prometheus_targets() {
  local instances="$1" file="$2" targets=() i
  for ((i = 2; i <= instances; i++)); do targets+=("\"127.0.0.1:$(api_instance_port "$i")\""); done
  mkdir -p "$(dirname "$file")"
  if [ "${#targets[@]}" -eq 0 ]; then
    echo '[]' >"$file.tmp"
  else
    printf '[{"targets": [%s], "labels": {}}]\n' "$(IFS=,; echo "${targets[*]}")" >"$file.tmp"
  fi
  mv "$file.tmp" "$file"
}
