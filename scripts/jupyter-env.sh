# Sourced by the test tiers: Debian's python3 first on PATH, and a throwaway Jupyter environment in
# "$tmp" (removed on exit) with the tsdl kernelspec installed, so no user setting leaks in or out.
export PATH="/usr/bin:$PATH"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node dist/cli.js install --prefix "$tmp/prefix" >/dev/null
export JUPYTER_PATH="$tmp/prefix/share/jupyter" JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime" PYTHONUNBUFFERED=1
