#!/usr/bin/env bash
# Debian packages tsdl's notebooks and test tiers use: Jupyter (classic Notebook, nbclient, nbconvert,
# the kernel conformance suite), Chromium for the browser test, Mesa's EGL/GLES (WebGPU's software
# adapter in tests), oneDNN (tsdl's native kernels), and the real Fashion-MNIST. `install-system-deps.sh bench` adds PyTorch, the
# benchmarks' peer. Installs only what is missing; needs root (or sudo) the first time.
set -euo pipefail
PKGS=(jupyter-notebook jupyter-client python3-nbclient jupyter-nbconvert python3-jupyter-kernel-test
      python3-pytest python3-ipykernel python3-pil dataset-fashion-mnist chromium
      libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri libdnnl-dev)
[ "${1:-}" = "bench" ] && PKGS+=(python3-torch libopenblas0-pthread)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
