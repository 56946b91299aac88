# Helpers shared by scripts/local and scripts/test. Source it; do not run it.
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

# Starts moto on $1 (one request at a time: see scripts/moto_serial.py) and waits until it
# answers; sets MOTO_PID.
start_moto() {
  local port="$1" logfile="$2"
  "$VENV/bin/python" "$ROOT/scripts/moto_serial.py" 127.0.0.1 "$port" >"$logfile" 2>&1 &
  MOTO_PID=$!
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "moto did not start; see $logfile" >&2
  exit 1
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
