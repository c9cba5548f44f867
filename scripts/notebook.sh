#!/usr/bin/env bash
# npm run notebook: set everything up on a fresh machine and open the notebooks in Jupyter.
# Installs Debian's Jupyter (needs root or sudo once), the npm packages, builds tsdl, installs the
# "TypeScript (tsdl)" kernel for this user, and starts classic Notebook on notebooks/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
[ -d node_modules/@tensorflow/tfjs ] || npm install --no-audit --no-fund
npm run build --silent
node dist/cli.js install --user
export PATH="/usr/bin:$PATH" # Debian's Jupyter, not a pyenv python3
ROOT_FLAG=""
[ "$(id -u)" -eq 0 ] && ROOT_FLAG="--allow-root"
exec jupyter notebook --notebook-dir=notebooks $ROOT_FLAG "$@"
