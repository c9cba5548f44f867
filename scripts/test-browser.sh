#!/usr/bin/env bash
# Classic browser tier: classic Notebook 6 (Debian's jupyter-notebook) served on 127.0.0.1, headless Debian
# Chromium (playwright-core) runs and renders notebooks: tsdl's HTML outputs, figures drawn by plotly.js
# loaded from /nbextensions/ (after a reload and in a second tab too). Screenshots: out/browser/classic-*.png.
# JupyterLab and Notebook 7 are scripts/test-lab.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
node --import tsx --test --test-reporter=spec --test-concurrency=1 test/browser/classic_*.browser.test.ts
