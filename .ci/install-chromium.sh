#!/usr/bin/env bash
# Installs Debian's Chromium (package chromium, /usr/bin/chromium) for the HTML report's browser test
# (test/report/browser.test.ts, driven by playwright-core: no browser is downloaded from npm).
# Non-interactive and idempotent: does nothing when Chromium is already there. Needs root (CI runs as root).
set -euo pipefail

CHROMIUM=/usr/bin/chromium
# Debian's wrapper prints a harmless shell warning on machines with much memory; only the exit status counts.
if [ -x "$CHROMIUM" ] && "$CHROMIUM" --version 2>/dev/null; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-chromium: run as root (apt-get install chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
"$CHROMIUM" --version 2>/dev/null
