#!/usr/bin/env bash
# Installs Postfix (Debian package) and Cyrus SASL's tools and mechanisms for the real-MTA integration test
# (test/mta/**), non-interactively; does nothing when all of it is already there (idempotent). Run as root.
#
# Postfix is preseeded with "No configuration": the package writes no main.cf of its own worth using. The
# tests never use the system instance: src/mta/postfix.ts starts a private Postfix (its own
# config_directory, queue_directory and data_directory in a temporary folder, loopback ports only) and stops
# it afterwards. This script leaves no system Postfix running: the package is kept from starting one, and
# one found running after the install (a machine without policy-rc.d or with systemd) is stopped.
#
#   postfix            the MTA (smtpd, cleanup, qmgr, smtp, ...)
#   sasl2-bin          saslpasswd2: writes the private instance's sasldb (SMTP AUTH on the submission port)
#   libsasl2-modules   the PLAIN and LOGIN mechanisms (server side for the suite, client side towards the gateway)
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
sasl_plain() { ls /usr/lib/*/sasl2/libplain.so* >/dev/null 2>&1 && ls /usr/lib/*/sasl2/liblogin.so* >/dev/null 2>&1 && ls /usr/lib/*/sasl2/libsasldb.so* >/dev/null 2>&1; }

stop_system_postfix() {
  # Only the system instance (default config directory), never a private one started by the tests.
  if have postfix && /usr/sbin/postfix status >/dev/null 2>&1; then
    echo "install-postfix.sh: stopping the system Postfix the package started"
    /usr/sbin/postfix stop >/dev/null 2>&1 || true
  fi
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    systemctl disable --now postfix.service >/dev/null 2>&1 || true
  fi
}

if have postfix && have saslpasswd2 && [ -x /usr/lib/postfix/sbin/master ] && sasl_plain; then
  echo "postfix already installed: $(dpkg-query -W -f='${Version}' postfix 2>/dev/null || echo unknown)"
  stop_system_postfix
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-postfix.sh: postfix or Cyrus SASL is missing and installing them needs root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
debconf-set-selections <<'EOF'
postfix postfix/main_mailer_type select No configuration
postfix postfix/mailname string domsec-suite.test
EOF

# Keep the package from starting a system Postfix (on a machine without a policy-rc.d, e.g. a CI VM): the
# tests start their own. A policy-rc.d that already exists (Docker images) is left as it is; its
# "policy-rc.d denied execution of start" message is expected.
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  made_policy=1
fi
cleanup() { if [ -n "$made_policy" ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends postfix sasl2-bin libsasl2-modules libsasl2-modules-db >/dev/null
stop_system_postfix
echo "postfix installed: $(dpkg-query -W -f='${Version}' postfix)"
