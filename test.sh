#!/usr/bin/env bash
# One command: install, lint, type-check and run the whole test suite (slow model/server/browser tests too).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
scripts/setup_chromium.sh
. .venv/bin/activate
ruff check assistant tests eval
mypy
pytest "$@"
