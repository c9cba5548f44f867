#!/usr/bin/env bash
# The hub tier's environment, .venv-hub/ (git-ignored): JupyterHub with JupyterLab 4 as the single-user
# server, every version pinned in requirements-hub.txt, and configurable-http-proxy from npm pinned by
# test/hub/package-lock.json (into .venv-hub/chp). Separate from .venv because the single-user servers
# run as other Unix users: its python must be one every user can run (Debian's /usr/bin/python3, not a
# python under root's home), and the hub needs none of .venv's Keras/TensorFlow. Idempotent: does
# nothing when .venv-hub already holds exactly these pins.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv-hub/.tsdl-pins
want=$(cat requirements-hub.txt test/hub/package.json test/hub/package-lock.json | sha256sum | cut -d' ' -f1)
if [ -x .venv-hub/bin/jupyterhub ] && [ -x .venv-hub/chp/node_modules/.bin/configurable-http-proxy ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
py="${TSDL_HUB_PYTHON:-/usr/bin/python3}"
"$py" -c 'import ensurepip, venv' 2>/dev/null || { echo "setup-hub: $py has no venv module (Debian: apt install python3-venv) or set TSDL_HUB_PYTHON" >&2; exit 1; }
echo "Hub environment: making .venv-hub with $py ($("$py" --version 2>&1)), installing requirements-hub.txt and configurable-http-proxy"
[ -x .venv-hub/bin/python ] || "$py" -m venv .venv-hub
.venv-hub/bin/python -m pip install --disable-pip-version-check -q -r requirements-hub.txt 2>&1 \
  | { grep -v -e "^WARNING: Location" -e "^Requirement already satisfied" || true; }
.venv-hub/bin/python -c "import jupyterhub, jupyterlab" || { echo "setup-hub: .venv-hub does not import jupyterhub/jupyterlab after the install" >&2; exit 1; }
mkdir -p .venv-hub/chp
cp test/hub/package.json test/hub/package-lock.json .venv-hub/chp/
(cd .venv-hub/chp && npm ci --no-audit --no-fund --silent)
# Everything in it readable and runnable by the test users, whatever the installer's umask.
chmod -R go+rX .venv-hub
echo "$want" > "$stamp"
echo "Hub environment ready: .venv-hub ($(du -sh .venv-hub | cut -f1))"
