#!/usr/bin/env bash
# ADAPT: build and start your gateway here, in the foreground (the workflow runs this script in the
# background, logs to gateway.log and stops it by its process id). This stand-in starts the suite's
# reference gateway (`domsec gateway`) with the suite's test PKI: domain example.org, submission on 2587
# (SMTP AUTH as alice@example.org), MX on 2525, relaying both directions to the suite's capture sink on
# 2626, as ci/domsec-profile.json describes. Paths in reference-gateway.json are relative to it.
set -euo pipefail
exec domsec gateway --config "$(dirname "$0")/reference-gateway.json"
