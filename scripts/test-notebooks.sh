#!/usr/bin/env bash
# Notebook tier: every notebook in notebooks/ executed top to bottom at smoke scale under the tsdl kernel
# by `jupyter nbconvert --execute` (nbclient, from .venv). A cell error fails the run. Prints each notebook's time.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/jupyter-env.sh
export TSDL_SCALE=smoke TSDL_HOME="${TSDL_HOME:-$tmp/home}"
mkdir -p "$tmp/run" out/notebooks
cp notebooks/*.ipynb "$tmp/run/"
passed=0
failed=0
for nb in "$tmp"/run/*.ipynb; do
  name=$(basename "$nb" .ipynb)
  start=$(date +%s.%N)
  if "$PY" -m jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=900 \
       --output "$name.smoke" --output-dir out/notebooks "$nb" >"$tmp/$name.log" 2>&1; then
    status=ok
    passed=$((passed + 1))
  else
    status=FAILED
    failed=$((failed + 1))
    tail -40 "$tmp/$name.log"
  fi
  printf "%-40s %-6s %s s\n" "$name" "$status" "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
done
echo "notebooks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
