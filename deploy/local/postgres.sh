#!/usr/bin/env bash
# PostgreSQL from the system's packages on a private port, with one database per service.
# Usage: postgres.sh start|stop|status|clean
COMPONENT=postgres
. "$(dirname "$0")/lib.sh"

PG_BIN="/usr/lib/postgresql/$POSTGRES_MAJOR/bin"
# PostgreSQL refuses to run as root: as root it runs as the `postgres` user, on a data
# directory that user can reach whatever the permissions of the checkout.
if [ "$(id -u)" = 0 ]; then
  PG_HOME="/var/lib/samverkan-local/$(printf '%s' "$ROOT" | md5sum | cut -c1-10)"
  # run from a directory the postgres user may enter (the checkout may be private)
  as_pg() { (cd "$PG_HOME" && runuser -u postgres -- "$@"); }
else
  PG_HOME="$STATE/postgres"
  as_pg() { "$@"; }
fi
PGDATA="$PG_HOME/data"
SOCK="$PG_HOME/sock"
PGLOG="$PG_HOME/postgres.log"  # linked from var/log/postgres.log

# As root the data lives outside the checkout, keyed by its path, so a new checkout at the
# same path (a CI clone) would meet an earlier one's databases, whose stored Kafka positions
# point past the end of this checkout's new Kafka log. The data is kept only while this
# checkout's var/state names it: a claim written in both places on first start.
CLAIM="$STATE/postgres.claim"
claim() {
  [ "$(id -u)" = 0 ] || return 0
  if [ -d "$PG_HOME" ] && ! cmp -s "$CLAIM" "$PG_HOME/claim" 2>/dev/null; then
    say "$PG_HOME holds data of an earlier checkout at this path; starting afresh"
    stop
    rm -rf "$PG_HOME"
  fi
  [ -f "$CLAIM" ] || cat /proc/sys/kernel/random/uuid >"$CLAIM"
}

ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }

# Settings for the view's write load, given at every start (so an existing data directory
# gets them too): buffers for the view's indexes, checkpoints far enough apart that a replay
# or a burst does not force them, and full-page images compressed (docs/operations.md).
TUNING="-c shared_buffers=256MB -c max_wal_size=4GB -c checkpoint_timeout=15min -c wal_compression=on"

psql_super() { as_pg "$PG_BIN/psql" -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PG_PORT" -U postgres -d postgres "$@"; }

ensure_databases() {
  psql_super -tc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'" | grep -q 1 ||
    psql_super -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'"
  local svc db
  for svc in $SERVICES; do
    db="samverkan_$svc"
    psql_super -tc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 ||
      psql_super -c "CREATE DATABASE $db OWNER $PG_USER"
  done
}

start() {
  [ -x "$PG_BIN/postgres" ] || die "PostgreSQL $POSTGRES_MAJOR is not installed (apt-get install postgresql-$POSTGRES_MAJOR); run deploy/local/bootstrap.sh"
  claim
  if ready; then say "already running on 127.0.0.1:$PG_PORT"; ensure_databases; return 0; fi
  mkdir -p "$PG_HOME" "$SOCK"
  [ "$(id -u)" != 0 ] || cp "$CLAIM" "$PG_HOME/claim"
  touch "$PGLOG"
  ln -sfn "$PGLOG" "$LOGS/postgres.log"
  if [ "$(id -u)" = 0 ]; then chown -R postgres: "$PG_HOME"; fi
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "initialising $PGDATA"
    as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
max_connections = 200
fsync = on
CONF
  fi
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -o "-p $PG_PORT $TUNING" -w -t 60 start >/dev/null
  wait_until 30 "PostgreSQL" ready || { tail -20 "$PGLOG"; die "PostgreSQL did not start"; }
  ensure_databases
}

stop() {
  if [ -f "$PGDATA/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null && say "stopped"
  else
    say "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) ready ;;
  clean) stop; rm -rf "$PG_HOME"; say "state removed" ;;
  *) die "usage: $0 start|stop|status|clean" ;;
esac
