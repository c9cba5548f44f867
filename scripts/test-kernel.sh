#!/usr/bin/env bash
# Kernel tier: the tsdl kernel over ZeroMQ, checked by Jupyter's own packages (jupyter_kernel_test,
# jupyter_client, nbconvert/nbclient), with the kernelspec installed into a throwaway JUPYTER_PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/bin:$PATH"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node dist/cli.js install --prefix "$tmp" >/dev/null
export JUPYTER_PATH="$tmp/share/jupyter" JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime" PYTHONUNBUFFERED=1
python3 -m pytest -q -p no:cacheprovider test/kernel "$@"
