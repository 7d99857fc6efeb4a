#!/usr/bin/env bash
# The whole local stack: start, stop, check or wipe every server, in order.
# Usage: stack.sh up|down|status|clean
COMPONENT=stack
. "$(dirname "$0")/lib.sh"
HERE="$ROOT/deploy/local"

SERVERS="postgres kafka keycloak"

up() {
  local t0=$SECONDS
  "$HERE/postgres.sh" start
  "$HERE/kafka.sh" start
  "$HERE/keycloak.sh" start
  "$HERE/keycloak.sh" wait
  say "stack up in $((SECONDS - t0))s"
  where
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
  Logs        $LOGS
  State       $STATE

TXT
}

status() {
  local s rc=0
  for s in $SERVERS; do
    if "$HERE/$s.sh" status >/dev/null 2>&1; then say "$s: up"; else say "$s: down"; rc=1; fi
  done
  return $rc
}

down() {
  local s
  for s in keycloak kafka postgres; do "$HERE/$s.sh" stop; done
}

clean() {
  local s
  for s in keycloak kafka postgres; do "$HERE/$s.sh" clean; done
  rm -rf "$STATE" "$LOGS"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  clean) clean ;;
  where) where ;;
  *) die "usage: $0 up|down|status|clean|where" ;;
esac
