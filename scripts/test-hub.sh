#!/usr/bin/env bash
# Hub tier: a JupyterHub classroom on this machine (test/hub/test_hub.py): four Unix users made and
# removed by the test, their JupyterLab servers spawned through the hub's REST API, a training cell in
# each user's tsdl kernel at once over REST + websocket, and no process of theirs left after the stop.
# Loopback only. Needs root (useradd); as another user it says so and skips. Per-user first-reply
# times and kernel RSS: printed, and in out/hub-tier.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then echo "test-hub: skipped (makes Unix users: run as root, as CI does)"; exit 0; fi
bash scripts/setup-hub.sh
[ -x .venv/bin/python ] || bash scripts/setup-python.sh
# The repository must be readable by the test users (their kernels run dist/cli.js from here).
for d in "$PWD" "$PWD/dist" "$PWD/node_modules"; do
  p=$d; while [ "$p" != / ]; do
    [ "$(( 0$(stat -L -c %a "$p") & 1 ))" -eq 1 ] || { echo "test-hub: $p is not open to other users (o+x); the test users' kernels could not run tsdl from $PWD" >&2; exit 1; }
    p=$(dirname "$p")
  done
done
start=$(date +%s)
timeout 600 .venv/bin/python -m pytest -q -s -p no:cacheprovider test/hub "$@"
echo "hub tier: $(( $(date +%s) - start )) s"
