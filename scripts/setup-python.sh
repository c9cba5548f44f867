#!/usr/bin/env bash
# The project's Python environment: .venv/ made with `python3 -m venv` (no root), holding the pinned
# JupyterLab, Notebook 7, the test clients and the Keras oracle (requirements.txt, constraints.txt).
# Idempotent: does nothing when .venv already holds exactly these pins. Prints what it does.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.tsdl-pins
want=$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)
# The project's package.json says "type": "module", so Node would read the CommonJS scripts inside .venv
# (jupyter_builder's yarn.js, which `jupyter labextension list` runs) as ES modules and fail: .venv gets
# a package.json of its own that says CommonJS.
commonjs() { [ -f .venv/package.json ] || echo '{ "type": "commonjs" }' > .venv/package.json; }
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then commonjs; exit 0; fi
# A python3 with venv and pip: $TSDL_PYTHON, else the first python3 on PATH that is not Debian's
# /usr/bin one (which lacks ensurepip unless python3-venv is installed), else that one.
py="${TSDL_PYTHON:-}"
if [ -z "$py" ]; then
  for cand in $(type -ap python3 python3.12 python3.11 | awk '!seen[$0]++'); do
    if "$cand" -c 'import ensurepip, venv' 2>/dev/null; then py=$cand; break; fi
  done
fi
if [ -z "$py" ]; then
  echo "setup-python: no python3 with the venv module found; install one (Debian: apt install python3-venv) or set TSDL_PYTHON" >&2
  exit 1
fi
echo "Python environment: making .venv with $py ($("$py" --version 2>&1)), installing requirements.txt (about 1.8 GB, a minute or two)"
[ -x .venv/bin/python ] || "$py" -m venv .venv
commonjs
.venv/bin/python -m pip install --disable-pip-version-check --progress-bar on -r requirements.txt -c constraints.txt 2>&1 \
  | { grep -v -e "^WARNING: Location" -e "^Requirement already satisfied" || true; } || { echo "setup-python: pip install failed (see above)" >&2; exit 1; }
.venv/bin/python -c "import jupyterlab, notebook, keras, tensorflow" 2>/dev/null || { echo "setup-python: .venv does not import jupyterlab/keras/tensorflow after the install" >&2; exit 1; }
echo "$want" > "$stamp"
echo "Python environment ready: .venv ($(du -sh .venv | cut -f1))"
