#!/usr/bin/env bash
# Browser tier: classic Notebook served on 127.0.0.1, headless Debian Chromium (playwright-core) runs
# and renders notebooks. Screenshots: out/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/bin:$PATH"
node --import tsx --test --test-reporter=spec test/browser/*.browser.test.ts
