# Helpers for the web sites (web/): Node packages, Chromium and a CJK font. Source it after lib.sh.

# npm ci when web/node_modules is missing or older than the lockfile.
ensure_web_packages() {
  command -v npm >/dev/null || { echo "node and npm (Node 20.19+) are required" >&2; exit 1; }
  if [ ! -f "$ROOT/web/node_modules/.package-lock.json" ] || [ "$ROOT/web/package-lock.json" -nt "$ROOT/web/node_modules/.package-lock.json" ]; then
    log "installing the web packages (npm ci in web/)"
    (cd "$ROOT/web" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Debian's Chromium for the end-to-end runs, and a CJK font so screenshots show Chinese.
ensure_chromium() {
  if command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then return; fi
  log "installing Chromium and a CJK font (apt-get)"
  apt_install chromium fonts-wqy-microhei
}

# Builds the admin site and the citizen H5 for scripts/local (with their demo sign-ins) into
# web/admin/dist and web/citizen/dist.
build_web_demo() {
  log "building the admin site and the citizen H5 (web/*/dist, demo sign-in)"
  (cd "$ROOT/web/admin" && npx vite build --mode demo --logLevel error)
  # The H5's production build: scripts/local serves it the config.json of a local deployment.
  (cd "$ROOT/web/citizen" && npx vite build --logLevel error)
}
