#!/usr/bin/env bash
# npm run bench: tsdl on every backend that works here and PyTorch (Debian's python3-torch) in the same
# run, on the seed-003 MLP and the seed-002 CNN; the data pipeline beside PIL; kernel latency beside
# ipykernel (jupyter_client and ipykernel from the project's .venv). Prints tables with ratios and writes bench/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/bin:$PATH"
bash scripts/install-system-deps.sh bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== training and inference (tsdl: wasm with the native kernels, wasm without them, plain JS)"
node --import tsx bench/training.ts wasm cpu > "$tmp/tsdl.json"
TSDL_NATIVE=0 node --import tsx bench/training.ts wasm > "$tmp/tsdl-wasm.json"
echo "== training and inference (PyTorch, 2 threads)"
if python3 -c "import torch" 2>/dev/null; then OPENBLAS_NUM_THREADS=1 python3 bench/torch_peer.py > "$tmp/torch.json"; else echo "python3-torch is not installed: no peer"; fi
# This VM's speed drifts by ~10% from minute to minute: each side runs twice, alternating, and the
# report keeps each side's better run.
echo "== second runs (tsdl wasm with and without the native kernels, PyTorch)"
node --import tsx bench/training.ts wasm > "$tmp/tsdl-2.json"
TSDL_NATIVE=0 node --import tsx bench/training.ts wasm > "$tmp/tsdl-wasm-2.json"
if python3 -c "import torch" 2>/dev/null; then OPENBLAS_NUM_THREADS=1 python3 bench/torch_peer.py > "$tmp/torch-2.json"; fi
echo "== data pipeline"
node --import tsx bench/data_pipeline.ts > "$tmp/data.json"
echo "== kernel latency"
bash scripts/setup-python.sh
.venv/bin/python bench/kernel_latency.py 2>/dev/null | grep -v "^\[tsdl kernel\]" || true
node --import tsx bench/report.ts "$tmp/tsdl.json" "$tmp/tsdl-wasm.json" "$tmp/torch.json" "$tmp/data.json" "$tmp/tsdl-2.json" "$tmp/torch-2.json" "$tmp/tsdl-wasm-2.json"
