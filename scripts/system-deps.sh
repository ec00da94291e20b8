#!/usr/bin/env bash
# System packages the tests use beyond the venv: headless Chromium for the HTML pages, and a
# PostgreSQL server for the PostgreSQL state store (the tests start a throw-away cluster of
# their own with its initdb/postgres binaries; the package's own cluster is not used).
# Installed from Debian when run as root and missing; otherwise the tests that need them
# skip and say why. Idempotent and quiet when everything is there.
set -euo pipefail

has_postgres() {
  [ -n "${SLA_SYNC_TEST_PG_BIN:-}" ] && [ -x "${SLA_SYNC_TEST_PG_BIN}/initdb" ] && return 0
  command -v initdb >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
has_postgres || need+=(postgresql)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: ${need[*]} not installed (needs root and apt-get); the tests that use them skip" >&2
  exit 0
fi
echo "installing ${need[*]} (Debian packages, once)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
  apt-get update -qq >/dev/null 2>&1
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}
