#!/usr/bin/env bash
# Builds a self-contained smsgate application directory: the compiled gateway and its production
# dependencies only. This is every install and build step of the container image (Dockerfile) and
# of a systemd install (deploy/smsgate.service); .ci/run runs it too, so the steps cannot rot unseen.
#
#   deploy/build.sh <target-dir>      e.g. deploy/build.sh /opt/smsgate
set -euo pipefail
target=${1:?usage: deploy/build.sh <target-dir>}
source_dir=$(cd "$(dirname "$0")/.." && pwd)

mkdir -p "$target"
target=$(cd "$target" && pwd)
# What the application needs: the package, its sources (to compile), the executable, the docs
# examples users point their config at, and scripts/ (the build step that copies the dashboard's
# assets into dist). Never node_modules, dist or data of the source checkout.
for path in package.json package-lock.json tsconfig.json tsconfig.build.json bin scripts src docs LICENSE README.md; do
  if [ -e "$source_dir/$path" ]; then cp -R "$source_dir/$path" "$target/"; fi
done
cd "$target"
# npm ci runs `prepare`, which compiles src/ into dist/ with the dev dependencies.
npm ci --no-audit --no-fund
npm prune --omit=dev --no-audit --no-fund
rm -rf src scripts tsconfig.json tsconfig.build.json
echo "smsgate built in $target: run node $target/bin/smsgate.js serve"
