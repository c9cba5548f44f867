#!/usr/bin/env bash
# The benchmark's peers and data, made once and cached (idempotent; prints what it does):
#  - Debian's PyTorch 1.13 and PIL (python3-torch, python3-pil: scripts/install-system-deps.sh bench);
#  - out/bench-venv: PyTorch 2.13 CPU and PIL (bench/requirements-torch.txt), on the interpreter of the
#    project's .venv, which it also sees (a .pth line) for Keras 3.15 and TensorFlow-CPU 2.21. The
#    project's .venv and CI are not touched;
#  - out/bench-images: JPEGs the size of seed 000's photos (bench/images.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/bin:$PATH"
bash scripts/install-system-deps.sh bench
bash scripts/setup-python.sh
venv=out/bench-venv
stamp=$venv/.tsdl-pins
want=$(cat bench/requirements-torch.txt | sha256sum | cut -d' ' -f1)
if [ ! -x $venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  base=$(.venv/bin/python -c 'import sys; print(sys._base_executable)')
  echo "bench venv: making $venv with $base, installing bench/requirements-torch.txt (torch 2.13.0 CPU, about 200 MB)"
  [ -x $venv/bin/python ] || "$base" -m venv $venv
  $venv/bin/python -m pip install --disable-pip-version-check -q -r bench/requirements-torch.txt
  site=$($venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  # Keras and TensorFlow from the project's .venv, after this venv's own packages.
  .venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' > "$site/tsdl-project-venv.pth"
  echo "$want" > "$stamp"
fi
node --import tsx bench/images.ts
