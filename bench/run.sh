#!/usr/bin/env bash
# npm run bench [-- --quick]: the peers and the image folder (bench/setup.sh, cached), kernel latency
# beside ipykernel (full run only), then every seed workload on tsdl and its peers (bench/run.ts), which
# writes bench/results.json, bench/results.md and the README's bench section. BENCH_QUICK=1 = --quick.
# Not part of CI. Each process's wall time is in the results (wallS); the run's in durationS.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/bin:$PATH"
bash bench/setup.sh
quick=${BENCH_QUICK:-0}
for a in "$@"; do [ "$a" = "--quick" ] && quick=1; done
if [ "$quick" != 1 ]; then
  echo "== kernel latency (tsdl beside ipykernel)"
  .venv/bin/python bench/kernel_latency.py 2>/dev/null | grep -v "^\[tsdl kernel\]" || true
fi
BENCH_QUICK=$quick node --import tsx bench/run.ts
