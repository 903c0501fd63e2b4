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
# A portable AVX2 build: a native build (-march=native) picks up AVX-512/AMX that this kind of
# virtual machine advertises but cannot run, and dies with "Illegal instruction" at the first token.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
-DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF}"
python -m pip install -q -e ".[dev]"
