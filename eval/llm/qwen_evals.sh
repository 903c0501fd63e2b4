#!/usr/bin/env bash
# The openai generator measured with Qwen (docs/evaluation.md): serves it (eval/llm/serve_qwen.sh) unless a
# server already answers on $PORT, then runs the evals one after another. A set whose report.json exists is
# skipped, so a stopped run goes on where it was. Needs the 2 cores to itself: run no training beside it.
#   eval/llm/qwen_evals.sh tune      # the tuning halves, pipeline only: choose the verifier's settings here
#   eval/llm/qwen_evals.sh report    # the reported halves, once, beside the naive pipeline on the same endpoint
set -euo pipefail
STAGE=${1:?tune or report}
PORT=${PORT:-8765}
DEV_GOLD=../shared/devsets/news_qa_dev/gold.jsonl
export ASSISTANT_OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 ASSISTANT_OPENAI_MODEL=qwen ASSISTANT_LLM_TIMEOUT_S=300
export OPENAI_API_KEY=${OPENAI_API_KEY:-none}

if ! curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null; then
  PORT=$PORT "$(dirname "$0")/serve_qwen.sh" > /tmp/qwen_server.log 2>&1 &
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null && break
    sleep 5
  done
fi

run() {  # OUT, then the eval's arguments
  local out=$1
  shift
  if [ -s "$out/report.json" ]; then
    echo "skip $out (done)"
    return
  fi
  assistant eval "$@" --generator openai --out "$out"
}

case $STAGE in
  tune)
    [ -d /tmp/dev_tune_corpus ] || python eval/devset_haystack.py --split tune --out /tmp/dev_tune_corpus
    run /tmp/qwen_dev_tune --gold $DEV_GOLD --corpus /tmp/dev_tune_corpus --split tune --workdir /tmp/devwork_tune \
      --no-baseline
    run /tmp/qwen_gold_tune --split tune --workdir /tmp/goldwork_tune --no-baseline
    ;;
  report)
    [ -d /tmp/dev_report_corpus ] || python eval/devset_haystack.py --split report --out /tmp/dev_report_corpus
    run eval/reports/results/dev_report_qwen --gold $DEV_GOLD --corpus /tmp/dev_report_corpus --split report \
      --workdir /tmp/devwork_report --baseline-questions 0
    run eval/reports/results/gold_report_qwen --split report --workdir /tmp/goldwork_report --baseline-questions 0
    ;;
  *)
    echo "usage: $0 tune|report" >&2
    exit 2
    ;;
esac
