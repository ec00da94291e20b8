#!/usr/bin/env bash
# System packages the tests use beyond the venv: headless Chromium for the HTML pages.
# Installed from Debian when run as root and missing; otherwise the tests that need them
# skip and say why. Idempotent and quiet when everything is there.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)

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
