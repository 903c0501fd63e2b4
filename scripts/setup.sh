#!/usr/bin/env bash
# Create .venv and install the project with CPU-only torch. Idempotent; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
# CPU torch first: an unpinned torch (pulled in by sentence-transformers) would fetch CUDA wheels.
python -m pip install -q "torch==2.13.0"
# llama-cpp-python builds from source the first time (about 5 minutes on 2 cores); pip caches it.
python -m pip install -q -e ".[dev]"
