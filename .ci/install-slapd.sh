#!/usr/bin/env bash
# Installs OpenLDAP slapd and ldap-utils (Debian packages) for the directory tests (test/directory/**),
# non-interactively; does nothing when both are already there (idempotent). Run as root.
#
# slapd is preseeded with "no_configuration": the package creates no database and no cn=config of its
# own. The tests never use the system instance: src/directory/slapd.ts starts a private slapd on a free
# loopback port with a generated slapd.conf and database in a temporary folder, and stops it afterwards.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

if have slapd && have ldapsearch && [ -f /etc/ldap/schema/inetorgperson.schema ]; then
  echo "slapd already installed: $(dpkg-query -W -f='${Version}' slapd 2>/dev/null || echo unknown)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-slapd.sh: slapd is missing and installing it needs root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
debconf-set-selections <<'EOF'
slapd slapd/no_configuration boolean true
slapd slapd/purge_database boolean false
slapd slapd/move_old_database boolean false
EOF

# Keep the package from starting a system slapd (on a machine without a policy-rc.d, e.g. a CI VM):
# the tests start their own. A policy-rc.d that already exists (Docker images) is left as it is.
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
apt-get install -y -qq --no-install-recommends slapd ldap-utils >/dev/null
echo "slapd installed: $(dpkg-query -W -f='${Version}' slapd)"
