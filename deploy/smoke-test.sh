#!/usr/bin/env bash
# Starts a gateway from an application directory made by deploy/build.sh, as the image and the
# systemd unit run it (production dependencies only), and checks that it answers and accepts a
# message. Used by .ci/run after building.
#
#   deploy/smoke-test.sh <app-dir>
set -euo pipefail
app=${1:?usage: deploy/smoke-test.sh <app-dir>}
data=$(mktemp -d)
port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
key=sk_smoketest0_abcdefghijklmnopqrstuvwxyz0123
SMSGATE_DATA_DIR="$data" SMSGATE_PORT="$port" SMSGATE_SMPP_PORT=0 SMSGATE_ADMIN_KEY="$key" \
  SMSGATE_LOG_LEVEL=warn node "$app/bin/smsgate.js" serve &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$port/health" >/dev/null; then break; fi
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "smoke test: no healthy answer"; exit 1; }
answer=$(curl -s -o /dev/stderr -w '%{http_code}' -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
  -d '{"to":"+447911123456","text":"smoke test"}' "http://127.0.0.1:$port/v1/messages")
[ "$answer" = 202 ] || { echo "smoke test: send answered $answer"; exit 1; }
# The dashboard's assets are not TypeScript: a build that forgot to copy them would serve 404s.
for asset in dashboard.css common.js overview.js; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/dashboard/assets/$asset")
  [ "$code" = 200 ] || { echo "smoke test: /dashboard/assets/$asset answered $code (assets missing from dist?)"; exit 1; }
done
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/dashboard/login")
[ "$code" = 200 ] || { echo "smoke test: /dashboard/login answered $code"; exit 1; }
echo
echo "smoke test: the built gateway answers, accepts a message and serves the dashboard"
