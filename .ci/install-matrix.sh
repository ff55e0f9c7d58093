#!/usr/bin/env bash
# Installs the S/MIME engines of the implementations matrix (issue 15, `domsec matrix`, adapters/):
#   gpgsm                                        GnuPG's S/MIME engine (KMail, Kleopatra)
#   libnss3-tools                                NSS cmsutil, certutil, pk12util (Thunderbird's engine)
#   libbcprov-java libbcpkix-java libbcutil-java Bouncy Castle, with a JDK to compile adapters/bouncycastle
#   default-jdk-headless                         javac (only when no javac is on PATH)
# OpenSSL is installed by .ci/run itself. Non-interactive and idempotent: does nothing when everything is
# there, then compiles the Bouncy Castle program once so the first matrix run does not pay for it.
set -euo pipefail
cd "$(dirname "$0")/.."

have_all() {
  command -v gpgsm >/dev/null 2>&1 && command -v gpgconf >/dev/null 2>&1 &&
    command -v cmsutil >/dev/null 2>&1 && command -v certutil >/dev/null 2>&1 && command -v pk12util >/dev/null 2>&1 &&
    command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 &&
    [ -f /usr/share/java/bcprov.jar ] && [ -f /usr/share/java/bcpkix.jar ] && [ -f /usr/share/java/bcutil.jar ]
}

if ! have_all; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-matrix.sh: gpgsm, libnss3-tools, Bouncy Castle or a JDK is missing and installing them needs root" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  packages="gpgsm libnss3-tools libbcprov-java libbcpkix-java libbcutil-java"
  command -v javac >/dev/null 2>&1 || packages="$packages default-jdk-headless"
  # shellcheck disable=SC2086 # the list is ours, one word per package
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi

echo "matrix engines: $(gpgsm --version | head -1); NSS $(dpkg-query -W -f='${Version}' libnss3 2>/dev/null || echo '?'); $(javac -version 2>&1); bcprov $(dpkg-query -W -f='${Version}' libbcprov-java 2>/dev/null || echo '?')"
# Compile DomsecBc.java into the cache now (node is there: .ci/run runs this after Node's own set-up).
if command -v node >/dev/null 2>&1; then
  node adapters/bouncycastle/bouncycastle.mjs build >/dev/null 2>&1 || echo "install-matrix.sh: compiling adapters/bouncycastle failed; domsec matrix will report why" >&2
fi
