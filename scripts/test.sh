#!/usr/bin/env bash
# npm test: every tier. Fast unit tests first, then the slower tiers (kernel, notebooks, browser) that
# exist; each tier installs nothing itself (.ci/run and `npm install` do that) and fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
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
