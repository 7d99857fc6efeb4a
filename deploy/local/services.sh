#!/usr/bin/env bash
# The platform's own services, each `python -m <service>` on its port, logging to var/log.
# Usage: services.sh start|stop|status
COMPONENT=services
. "$(dirname "$0")/lib.sh"

RUN="$STATE/services"
mkdir -p "$RUN"
# The services with a database, and the dashboard in front of them (it has none).
PROCESSES="$SERVICES dashboard"

port_of() {
  case "$1" in
    coordination) echo "${COORDINATION_HTTP_PORT:-8100}" ;;
    prevention) echo "${PREVENTION_HTTP_PORT:-8101}" ;;
    outreach) echo "${OUTREACH_HTTP_PORT:-8102}" ;;
    treatment) echo "${TREATMENT_HTTP_PORT:-8103}" ;;
    trafficking) echo "${TRAFFICKING_HTTP_PORT:-8104}" ;;
    dashboard) echo "${DASHBOARD_HTTP_PORT:-8110}" ;;
  esac
}

# The coordination service has several commands; the others only serve.
command_of() { [ "$1" = coordination ] && echo serve || true; }

# Services with an entry point (python -m <name>) in this checkout.
available() {
  local s
  for s in $PROCESSES; do
    [ -f "$ROOT/services/$s/src/$s/__main__.py" ] && printf '%s\n' "$s"
  done
}

# Every service reads the stack's ports through its own prefixed settings.
service_env() {
  local prefix
  prefix=$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')
  export "${prefix}_DATABASE_PORT=$PG_PORT"
  export "${prefix}_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT"
  export "${prefix}_KEYCLOAK_ISSUER=http://127.0.0.1:$KEYCLOAK_PORT/realms/samverkan"
  export OTEL_TRACES_EXPORTER=zipkin
  export OTEL_EXPORTER_ZIPKIN_ENDPOINT="http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans"
  if [ "$1" = dashboard ]; then export "DASHBOARD_COORDINATION_URL=http://127.0.0.1:$(port_of coordination)"; fi
}

healthy() { curl -sf "http://127.0.0.1:$(port_of "$1")/health/ready" >/dev/null; }

start() {
  local s
  for s in $(available); do
    if pid_alive "$RUN/$s.pid" && healthy "$s"; then say "$s already running"; continue; fi
    (
      service_env "$s"
      cd "$ROOT"
      # shellcheck disable=SC2046
      nohup "$UV" run --no-sync python -m "$s" $(command_of "$s") >>"$LOGS/$s.log" 2>&1 &
      echo $! >"$RUN/$s.pid"
    )
  done
  for s in $(available); do
    wait_until 60 "$s on :$(port_of "$s")" healthy "$s" ||
      { tail -20 "$LOGS/$s.log"; die "$s did not become ready"; }
  done
}

stop() {
  local s
  for s in $PROCESSES; do
    [ -f "$RUN/$s.pid" ] && stop_pid "$RUN/$s.pid" "$s"
  done
  return 0
}

status() {
  local s rc=0
  for s in $(available); do healthy "$s" || rc=1; done
  return $rc
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean) stop ;;
  ports) for s in $(available); do printf '%s %s\n' "$s" "$(port_of "$s")"; done ;;
  *) die "usage: $0 start|stop|status|ports" ;;
esac
