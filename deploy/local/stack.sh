#!/usr/bin/env bash
# The whole local stack: start, stop, check or wipe every server, in order.
# Usage: stack.sh up|down|status|clean
COMPONENT=stack
. "$(dirname "$0")/lib.sh"
HERE="$ROOT/deploy/local"

SERVERS="postgres kafka keycloak traces"

# timed NAME COMMAND...: run COMMAND and report how long it took.
timed() {
  local name=$1 t0=$SECONDS; shift
  "$@"
  say "$name: $((SECONDS - t0))s"
}

# The servers the platform and the tests need.
servers() {
  timed postgres "$HERE/postgres.sh" start
  timed kafka "$HERE/kafka.sh" start
  timed keycloak bash -c '"$0/keycloak.sh" start && "$0/keycloak.sh" wait' "$HERE"
  timed traces "$HERE/traces.sh" start
}

up() {
  local t0=$SECONDS
  servers
  timed services "$HERE/services.sh" start
  timed "demo data" "$UV" run --no-sync python "$ROOT/deploy/demo/load.py"
  say "stack up in $((SECONDS - t0))s"
  where
}

# Resident memory of each server's processes (for docs/operations.md).
memory() {
  local name pat
  while IFS='|' read -r name pat; do
    ps -eo rss=,args= | grep -E -- "$pat" | grep -v grep |
      awk -v n="$name" '{s+=$1} END {printf "  %-10s %6.0f MiB\n", n, s/1024}'
  done <<'PATTERNS'
postgres|^ *[0-9]+ (/usr/lib/postgresql/[0-9]+/bin/postgres|postgres: )
kafka|java .*kafka\.Kafka
keycloak|java .*kc\.home\.dir
traces|java .*zipkin-server
PATTERNS
}

where() {
  cat <<TXT

  Samverkan local stack (all on 127.0.0.1)
  ----------------------------------------
  PostgreSQL  127.0.0.1:$PG_PORT   databases: $(for s in $SERVICES; do printf 'samverkan_%s ' "$s"; done)
              user $PG_USER / password $PG_PASSWORD (development only)
  Kafka       127.0.0.1:$KAFKA_PORT  topics: deploy/kafka/topics.yaml
  Keycloak    http://127.0.0.1:$KEYCLOAK_PORT/admin/  (admin / admin, development only)
              realm: http://127.0.0.1:$KEYCLOAK_PORT/realms/samverkan  health: http://127.0.0.1:$KEYCLOAK_MGMT_PORT/health/ready
  Zipkin      http://127.0.0.1:$ZIPKIN_PORT/zipkin/  (trace UI; spans: POST /api/v2/spans)
$("$HERE/services.sh" ports | while read -r name port; do
  if [ "$name" = dashboard ]; then page=/; what="web pages, sign in as anna.specialist"; else page=/docs; what="API; health /health/ready"; fi
  printf '  %-12s http://127.0.0.1:%s%s  (%s)\n' "$name" "$port" "$page" "$what"
done)
  Logs        $LOGS
  State       $STATE

TXT
}

status() {
  local s rc=0
  for s in $SERVERS services; do
    if "$HERE/$s.sh" status >/dev/null 2>&1; then say "$s: up"; else say "$s: down"; rc=1; fi
  done
  return $rc
}

# Exit 0 when the servers the tests need are up (the services are not needed by tests).
servers_status() {
  local s
  for s in $SERVERS; do "$HERE/$s.sh" status >/dev/null 2>&1 || return 1; done
}

down() {
  local s
  for s in services traces keycloak kafka postgres; do "$HERE/$s.sh" stop; done
}

clean() {
  local s
  for s in services traces keycloak kafka postgres; do "$HERE/$s.sh" clean; done
  rm -rf "$STATE" "$LOGS"
}

case "${1:-}" in
  up) up ;;
  servers) servers_status || servers ;;
  down) down ;;
  status) status ;;
  clean) clean ;;
  where) where ;;
  memory) memory ;;
  *) die "usage: $0 up|servers|down|status|clean|where|memory" ;;
esac
