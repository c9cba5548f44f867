#!/usr/bin/env bash
# Kernel tier: the tsdl kernel over ZeroMQ, checked by Jupyter's own packages (jupyter_kernel_test,
# jupyter_client, nbconvert/nbclient, all from .venv), with the kernelspec installed into a throwaway JUPYTER_PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jupyter-env.sh
"$PY" -m pytest -q -p no:cacheprovider test/kernel "$@"
