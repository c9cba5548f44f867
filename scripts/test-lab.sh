#!/usr/bin/env bash
# JupyterLab tier: JupyterLab 4 and Notebook 7 from .venv served on 127.0.0.1 with tsdl installed into a
# throwaway Jupyter environment, headless Debian Chromium (playwright-core) opening and running every
# notebook through their UI at smoke scale, and the kernel's UI (completion, tooltips, highlighting,
# interrupt, restart, launcher logo). Screenshots: out/browser/lab-*.png, out/browser/notebook7-*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/setup-python.sh
node --import tsx --test --test-reporter=spec --test-concurrency=1 test/browser/lab_*.browser.test.ts test/browser/notebook7_*.browser.test.ts "$@"
