#!/usr/bin/env bash
# Installs what the tests need and a fresh machine lacks: Debian's Chromium
# (Playwright's own browser download does not work here), Debian's Noto
# fonts (CJK, Arabic, Hebrew, Devanagari, emoji), a Redis server on
# 127.0.0.1:6379 (the Redis store's conformance tests use a real one) and
# the e2e npm packages, and nginx (the e2e tests put it in front of Easel
# as a reverse proxy: they run the binary alone, as a process of their own
# on a port of their own, so the package's service is kept stopped).
# Idempotent and quiet when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Stops and disables the nginx service that installing the package may have
# started (where a policy-rc.d forbids starting services, there is none).
stop_system_nginx() {
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
  else
    $SUDO service nginx stop >/dev/null 2>&1 || true
    $SUDO update-rc.d nginx disable >/dev/null 2>&1 || true
  fi
}

missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
[ -x "${NGINX:-/usr/sbin/nginx}" ] || missing+=(nginx)
# The font set's tests need a font per script (docs/operations.md).
# poppler-utils: pdftotext reads the PDF exports' text back in the tests.
# opentype-sanitizer: ots-sanitize checks the SVG export's font subsets.
for pkg in fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji poppler-utils opentype-sanitizer; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
  # Debian starts nginx on port 80 where services may start: the tests need
  # only the binary.
  if [[ " ${missing[*]} " == *" nginx "* ]]; then stop_system_nginx; fi
fi

# Redis: the tests use db 14 with a key prefix per test, so a Redis that is
# already running (and its data) is safe to share.
if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null || true)" != "PONG" ]; then
  echo "test-deps: starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 100); do
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null || true)" = "PONG" ] && break
    sleep 0.1
  done
  [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null || true)" = "PONG" ] || { echo "test-deps: redis did not start" >&2; exit 1; }
fi

# npm ci when the installed packages are missing or older than the lockfile.
if [ ! -d e2e/node_modules/@playwright/test ] || [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
  echo "test-deps: installing e2e npm packages"
  (cd e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi
