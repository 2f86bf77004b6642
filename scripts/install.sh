#!/usr/bin/env bash
# Installs mydocker from this checkout: system packages, npm dependencies and the C core
# (built by npm's prepare script), then puts `mydocker` on the PATH. Run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npm ci --no-audit --no-fund
ln -sf "$PWD/bin/mydocker" /usr/local/bin/mydocker
echo "mydocker installed: $(mydocker --version)"
