#!/usr/bin/env bash
# Keycloak from its published distribution on Maven Central, production mode
# (`kc.sh build` once, then `start --optimized`), H2 dev-file database, realm
# `samverkan` generated from the organisations data and imported at start.
# Usage: keycloak.sh start|wait|status|stop|clean
#
# DEVELOPMENT ONLY: bootstrap admin admin/admin, well-known client secrets and
# demo passwords (see deploy/keycloak/README.md). Binds 127.0.0.1 only.
#
# `--import-realm` skips a realm that already exists, so a realm file that
# changed since the last import would be silently ignored. This script keeps
# the SHA-256 of the last imported realm file; when the regenerated file
# differs it DELETES the H2 database (users, sessions and the realm's signing
# keys are recreated from the file; issued tokens become invalid).
COMPONENT=keycloak
. "$(dirname "$0")/lib.sh"

KC_STATE="$STATE/keycloak"
KC_HOME="$KC_STATE/keycloak-$KEYCLOAK_VERSION"
KC_DB_DIR="$KC_HOME/data/h2"
REALM_FILE="$KC_HOME/data/import/samverkan-realm.json"
REALM_HASH_FILE="$KC_STATE/imported-realm.sha256"
BUILD_MARKER="$KC_HOME/.samverkan-build"
PIDFILE="$KC_STATE/keycloak.pid"
LOCKFILE="$KC_STATE/.lock"
KC_LOG="$LOGS/keycloak.log"
TARBALL="$CACHE/keycloak-$KEYCLOAK_VERSION.tar.gz"
: "${MAVEN_CENTRAL:=https://repo1.maven.org/maven2}"
DIST_URL="$MAVEN_CENTRAL/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
: "${KEYCLOAK_WAIT_TIMEOUT:=180}"
: "${KEYCLOAK_HEAP:=-Xms64m -Xmx512m}"
# Extra CORS origins of the samverkan-dashboard client, space-separated
# (e.g. "http://127.0.0.1:8000"); changing them re-imports the realm.
: "${KEYCLOAK_DASHBOARD_ORIGINS:=}"
HEALTH_URL="http://127.0.0.1:$KEYCLOAK_MGMT_PORT/health/ready"

# Build-time options: changing them (or the version) triggers one `kc.sh build`.
BUILD_OPTS=(--db=dev-file --health-enabled=true --metrics-enabled=true)
# Runtime options. The hostname is pinned so that the issuer (`iss`) is always
# http://127.0.0.1:$KEYCLOAK_PORT/realms/samverkan, whichever host name a
# client uses (localhost or 127.0.0.1); hostname-strict=false is then moot.
RUN_OPTS=(
  --optimized
  --http-enabled=true
  --http-host=127.0.0.1
  --http-port="$KEYCLOAK_PORT"
  --http-management-port="$KEYCLOAK_MGMT_PORT"
  --hostname="http://127.0.0.1:$KEYCLOAK_PORT"
  --hostname-strict=false
  --cache=local
  --import-realm
)

mkdir -p "$KC_STATE"

healthy() { curl -fsS --max-time 3 "$HEALTH_URL" 2>/dev/null | grep -q '"status": *"UP"'; }

# running: the process in the pid file is alive and is our Keycloak launcher.
running() {
  pid_alive "$PIDFILE" && grep -qa "keycloak" "/proc/$(cat "$PIDFILE")/cmdline" 2>/dev/null
}

# java_pid: the JVM started by kc.sh (a child of the pid in the pid file).
java_pid() {
  local parent
  parent=$(cat "$PIDFILE" 2>/dev/null) || return 1
  pgrep -P "$parent" -f QuarkusEntryPoint | head -n 1
}

lock() { exec 9>"$LOCKFILE"; flock -w 600 9 || die "another keycloak.sh holds $LOCKFILE"; }

fetch() {
  [ -f "$TARBALL" ] && return 0
  say "downloading Keycloak $KEYCLOAK_VERSION from Maven Central (once)"
  local expected actual
  curl -fSL --retry 3 --progress-bar -o "$TARBALL.part" "$DIST_URL"
  expected=$(curl -fsSL --retry 3 "$DIST_URL.sha1" | cut -c1-40)
  actual=$(sha1sum "$TARBALL.part" | cut -c1-40)
  [ "$expected" = "$actual" ] || { rm -f "$TARBALL.part"; die "checksum mismatch for $DIST_URL"; }
  mv "$TARBALL.part" "$TARBALL"
}

unpack() {
  [ -x "$KC_HOME/bin/kc.sh" ] && return 0
  say "unpacking into $KC_HOME (once)"
  rm -rf "$KC_STATE/unpack.part"
  mkdir -p "$KC_STATE/unpack.part"
  tar -xzf "$TARBALL" -C "$KC_STATE/unpack.part"
  mv "$KC_STATE/unpack.part/keycloak-$KEYCLOAK_VERSION" "$KC_HOME"
  rm -rf "$KC_STATE/unpack.part"
}

kc() {
  JAVA_HOME="$(java_home)" JAVA_OPTS_KC_HEAP="$KEYCLOAK_HEAP" "$KC_HOME/bin/kc.sh" "$@"
}

build() {
  local want="$KEYCLOAK_VERSION ${BUILD_OPTS[*]}"
  if [ -f "$BUILD_MARKER" ] && [ "$(cat "$BUILD_MARKER")" = "$want" ]; then return 0; fi
  say "kc.sh build ${BUILD_OPTS[*]} (once per version and build options)"
  rm -f "$BUILD_MARKER"
  kc build "${BUILD_OPTS[@]}" >>"$KC_LOG" 2>&1 || die "kc.sh build failed; see $KC_LOG"
  printf '%s\n' "$want" >"$BUILD_MARKER"
}

# generate FILE: write the realm JSON generated from the organisations data.
generate() {
  local args=(--out "$1") origin
  # shellcheck disable=SC2086  # a space-separated list by design
  for origin in ${KEYCLOAK_DASHBOARD_ORIGINS}; do args+=(--web-origin "$origin"); done
  "$UV" run --no-sync python "$ROOT/deploy/keycloak/generate_realm.py" "${args[@]}" ||
    die "realm generation failed"
}

# realm: regenerate the import file; if it differs from the last import, drop the dev database.
realm() {
  mkdir -p "$(dirname "$REALM_FILE")"
  generate "$REALM_FILE"
  local new old
  new=$(sha256sum "$REALM_FILE" | cut -c1-64)
  old=$(cat "$REALM_HASH_FILE" 2>/dev/null || true)
  if [ -d "$KC_DB_DIR" ] && [ "$new" != "$old" ]; then
    say "realm file changed since the last import: deleting the dev H2 database to re-import"
    rm -rf "$KC_DB_DIR"
  fi
  printf '%s\n' "$new" >"$REALM_HASH_FILE"
}

# warn_if_realm_changed: a running server keeps the realm it imported at start.
warn_if_realm_changed() {
  [ -f "$REALM_HASH_FILE" ] || return 0
  local tmp
  tmp=$(mktemp)
  generate "$tmp"
  if [ "$(sha256sum "$tmp" | cut -c1-64)" != "$(cat "$REALM_HASH_FILE")" ]; then
    say "NOTE: the realm data changed since this server imported it;" \
      "\`keycloak.sh stop && keycloak.sh start\` re-imports it (and resets the dev database)"
  fi
  rm -f "$tmp"
}

start() {
  lock
  if healthy; then
    say "already healthy on http://127.0.0.1:$KEYCLOAK_PORT"
    warn_if_realm_changed
    return 0
  fi
  if running; then
    say "already starting (pid $(cat "$PIDFILE")); \`keycloak.sh wait\` waits for it"
    return 0
  fi
  rm -f "$PIDFILE"
  local port
  for port in "$KEYCLOAK_PORT" "$KEYCLOAK_MGMT_PORT"; do
    port_open "$port" && die "127.0.0.1:$port is taken by another process"
  done
  fetch
  unpack
  build
  realm
  say "starting on http://127.0.0.1:$KEYCLOAK_PORT (management :$KEYCLOAK_MGMT_PORT), log $KC_LOG"
  printf '\n===== %s keycloak.sh start (Keycloak %s) =====\n' "$(date -Is)" "$KEYCLOAK_VERSION" >>"$KC_LOG"
  # setsid: own session and process group, detached from the caller's terminal.
  # The launcher writes its own pid, then execs kc.sh (which forwards TERM to
  # the JVM). fd 9 (the lock) must not leak into the server.
  JAVA_HOME="$(java_home)" JAVA_OPTS_KC_HEAP="$KEYCLOAK_HEAP" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    nohup setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' keycloak-launcher "$PIDFILE" \
    "$KC_HOME/bin/kc.sh" start "${RUN_OPTS[@]}" </dev/null >>"$KC_LOG" 2>&1 9>&- &
  local i
  for i in $(seq 1 50); do [ -s "$PIDFILE" ] && break; sleep 0.1; done
  [ -s "$PIDFILE" ] || die "launcher did not write $PIDFILE"
  say "started (pid $(cat "$PIDFILE")); \`keycloak.sh wait\` waits until ready"
}

wait_ready() {
  local t0=$SECONDS
  if healthy; then say "ready"; return 0; fi
  printf '[%s] waiting for %s ' "$COMPONENT" "$HEALTH_URL"
  while ! healthy; do
    if ! running; then
      printf '\n'
      tail -n 40 "$KC_LOG" >&2 || true
      die "Keycloak is not running (see $KC_LOG)"
    fi
    if ((SECONDS - t0 >= KEYCLOAK_WAIT_TIMEOUT)); then
      printf '\n'
      tail -n 40 "$KC_LOG" >&2 || true
      die "not ready after ${KEYCLOAK_WAIT_TIMEOUT}s (see $KC_LOG)"
    fi
    printf '.'
    sleep 1
  done
  printf '\n'
  say "ready after $((SECONDS - t0))s: http://127.0.0.1:$KEYCLOAK_PORT/realms/samverkan"
}

status() {
  if healthy; then
    if running; then
      say "healthy (pid $(cat "$PIDFILE"), java pid $(java_pid || echo '?')) on http://127.0.0.1:$KEYCLOAK_PORT"
    else
      say "healthy on http://127.0.0.1:$KEYCLOAK_PORT (not started by this script)"
    fi
    return 0
  fi
  if running; then say "running (pid $(cat "$PIDFILE")) but not ready yet"; return 1; fi
  say "not running"
  return 3
}

stop() {
  lock
  if ! running; then say "not running"; rm -f "$PIDFILE"; return 0; fi
  local pid i
  pid=$(cat "$PIDFILE")
  say "stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    say "did not stop in 60 s, killing its process group"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PIDFILE"
  say "stopped"
}

clean() {
  stop
  say "removing $KC_STATE (the downloaded archive in $CACHE stays)"
  rm -rf "$KC_STATE"
}

case "${1:-}" in
  start) start ;;
  wait) wait_ready ;;
  status) status ;;
  stop) stop ;;
  clean) clean ;;
  *) echo "usage: $0 start|wait|status|stop|clean" >&2; exit 2 ;;
esac
