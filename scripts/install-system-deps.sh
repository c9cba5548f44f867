#!/usr/bin/env bash
# Debian packages tsdl's notebooks and test tiers use: Chromium for the browser tiers, Mesa's EGL/GLES
# (WebGPU's software adapter in tests), oneDNN (tsdl's native kernels), the real Fashion-MNIST, and
# classic Notebook 6 (jupyter-notebook): the one front end the project's .venv does not hold, needed by
# the classic browser tier (test/browser/classic_*.browser.test.ts: tsdl's figures as HTML that loads
# plotly.js through /nbextensions/). JupyterLab, Notebook 7 and every Jupyter test client come from
# .venv (scripts/setup-python.sh), not from Debian. `install-system-deps.sh notebook` installs only what
# the notebooks use (npm run notebook); `install-system-deps.sh bench` adds PyTorch and PIL, the
# benchmarks' peers. python3-venv: the hub tier's .venv-hub (scripts/setup-hub.sh) is made with Debian's
# python3, which the test users can run. libjpeg62-turbo-dev: the native JPEG decoder of flowFromDirectory
# (native/jpeg.cc); python3-pil: its test's oracle (Keras' load_img is PIL). Installs only what is missing; needs root (or sudo) the first time.
set -euo pipefail
PKGS=(jupyter-notebook dataset-fashion-mnist chromium
      libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri libdnnl-dev libjpeg62-turbo-dev python3-venv python3-pil)
[ "${1:-}" = "notebook" ] && PKGS=(dataset-fashion-mnist libdnnl-dev libjpeg62-turbo-dev)
[ "${1:-}" = "bench" ] && PKGS+=(python3-torch libopenblas0-pthread python3-pil)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-system-deps.sh: these Debian packages are missing: ${missing[*]}; installing them needs root, and there is no sudo here" >&2
    exit 1
  fi
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
