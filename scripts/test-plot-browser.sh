#!/usr/bin/env bash
# plotModel's SVG in headless Debian Chromium (playwright-core): every layer's box drawn, visible, with its
# text inside; the <img> form JupyterLab uses. Screenshots: out/browser/plot-model*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
node --import tsx --test --test-reporter=spec test/browser/plot_model.browser.test.ts
