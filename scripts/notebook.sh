#!/usr/bin/env bash
# npm run notebook [-- SERVER OPTIONS]: set everything up on a fresh machine and open the notebooks in
# JupyterLab. Makes the project's Python environment .venv (JupyterLab 4, Notebook 7; no root needed),
# installs the npm packages, builds tsdl and its JupyterLab extension, installs the "TypeScript (tsdl)"
# kernel and the extension into .venv (`tsdl install --sys-prefix` with .venv's python), and starts
# `jupyter lab` on notebooks/ from .venv. Options after `--` go to the server, e.g.
#   npm run notebook -- --no-browser --port 8890 --ip 127.0.0.1 --ServerApp.token=T
# TSDL_FRONTEND=notebook starts Notebook 7 instead (the same server options).
set -euo pipefail
cd "$(dirname "$0")/.."
case "${TSDL_FRONTEND:-lab}" in
  lab) app=jupyterlab ;;
  notebook) app=notebook ;;
  *) echo "npm run notebook: TSDL_FRONTEND must be lab (JupyterLab, the default) or notebook (Notebook 7), got '${TSDL_FRONTEND}'" >&2; exit 2 ;;
esac
# Optional Debian packages (the real Fashion-MNIST, oneDNN for the native kernels): tsdl works without
# them (stand-in data, WebAssembly kernels), so a machine without root goes on.
bash scripts/install-system-deps.sh notebook || echo "npm run notebook: going on without the optional Debian packages (see above)" >&2
bash scripts/setup-python.sh
[ -d node_modules/@tensorflow/tfjs ] || npm install --no-audit --no-fund
npm run build --silent
export PATH="$PWD/.venv/bin:$PATH" # .venv's python and jupyter, whatever python3 comes first otherwise
node dist/cli.js install --sys-prefix
ROOT_FLAG=()
[ "$(id -u)" -eq 0 ] && ROOT_FLAG=(--ServerApp.allow_root=True)
echo "Starting $([ "$app" = jupyterlab ] && echo JupyterLab || echo "Notebook 7") on notebooks/"
exec .venv/bin/python -m "$app" --ServerApp.root_dir="$PWD/notebooks" "${ROOT_FLAG[@]}" "$@"
