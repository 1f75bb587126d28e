#!/usr/bin/env bash
# smsgate beside Kannel in one run (issue 17). Installs what is missing from Debian's packages:
# wrk (the load generator both gateways get) and kannel (bearerbox, smsbox). Needs root for apt.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/sbin/bearerbox ] && [ -x /usr/sbin/smsbox ] || missing+=(kannel)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
npx tsc -p tsconfig.build.json
exec node --import tsx bench/peer-kannel.ts
