#!/usr/bin/env bash
# Hub tier: a JupyterHub classroom on this machine (test/hub/test_hub.py): four Unix users made and
# removed by the test, their JupyterLab servers spawned through the hub's REST API, a training cell in
# each user's tsdl kernel at once over REST + websocket, and no process of theirs left after the stop.
# Loopback only. Needs root (useradd); as another user it says so and skips. Per-user first-reply
# times and kernel RSS: printed, and in out/hub-tier.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then echo "test-hub: skipped (makes Unix users: run as root, as CI does)"; exit 0; fi
# The test users' kernels run tsdl from this checkout and the hub's venv in it: every folder on the way
# must be open to other users (o+x). A checkout under a closed folder (root's home) is reached through a
# bind mount of it under /tmp instead.
reachable() {
  local p=$1
  while [ "$p" != / ]; do
    [ "$(( 0$(stat -L -c %a "$p") & 1 ))" -eq 1 ] || return 1
    p=$(dirname "$p")
  done
}
if ! reachable "$PWD"; then
  mnt=$(mktemp -d /tmp/tsdl-hub-repo.XXXXXX)
  chmod 755 "$mnt"
  mount --bind "$PWD" "$mnt" || { echo "test-hub: $PWD is not open to other users, and a bind mount of it failed; clone it under a folder others may enter" >&2; exit 1; }
  trap 'cd /; umount "$mnt" && rmdir "$mnt"' EXIT
  echo "test-hub: $PWD is not open to other users: running from a bind mount of it at $mnt"
  cd "$mnt"
fi
for d in "$PWD/dist" "$PWD/node_modules"; do
  reachable "$d" || { echo "test-hub: $d is not open to other users (o+x); the test users' kernels could not run tsdl" >&2; exit 1; }
done
bash scripts/setup-hub.sh
[ -x .venv/bin/python ] || bash scripts/setup-python.sh
start=$(date +%s)
timeout 600 .venv/bin/python -m pytest -q -s -p no:cacheprovider test/hub "$@"
echo "hub tier: $(( $(date +%s) - start )) s"
