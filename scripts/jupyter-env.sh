# Sourced by the test tiers: the project's Python environment (.venv, scripts/setup-python.sh) first on
# PATH, "$PY" its python, and a throwaway Jupyter environment in "$tmp" (removed on exit) with tsdl
# installed there (kernelspec, JupyterLab extension), so no user setting leaks in or out.
[ -x .venv/bin/python ] || bash scripts/setup-python.sh
PY="$PWD/.venv/bin/python"
export PATH="$PWD/.venv/bin:$PATH"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # an install under --prefix warns when other users could not reach it
node dist/cli.js install --prefix "$tmp/prefix" >/dev/null
export JUPYTER_PATH="$tmp/prefix/share/jupyter" JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime" \
  JUPYTER_CONFIG_DIR="$tmp/config" JUPYTER_PLATFORM_DIRS=1 PYTHONUNBUFFERED=1
