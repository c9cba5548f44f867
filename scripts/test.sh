#!/usr/bin/env bash
# npm test: every tier. It installs what the tiers need first, as on a fresh machine: the Debian packages
# (Chromium, classic Notebook, oneDNN, the real Fashion-MNIST; with sudo when not root), the npm
# packages, the project's .venv. Then fast unit tests, then the slower tiers (kernel, notebooks,
# browser), each failing loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! bash scripts/install-system-deps.sh; then
  echo "npm test: could not install the Debian packages the tiers need (see above); as root, or with sudo, run: bash scripts/install-system-deps.sh" >&2
  exit 1
fi
[ -d node_modules ] || npm install
bash scripts/setup-python.sh # .venv: JupyterLab, the test clients, the Keras oracle
npm run build
echo "== unit tests"
npm run --silent test:unit
for tier in scripts/test-*.sh; do
  [ -e "$tier" ] || continue
  echo "== $(basename "$tier" .sh)"
  bash "$tier"
done
