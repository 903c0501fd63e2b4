#!/usr/bin/env bash
# One command: install, index the shipped articles, answer questions.
#   ./run.sh                       -> demo questions
#   ./run.sh "Who leads Crew-12?"  -> your question
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
. .venv/bin/activate
assistant ingest index/articles
if [ "$#" -gt 0 ]; then
  assistant ask "$*"
else
  for q in "Who leads the Crew-12 mission?" "When did Crew-12 dock with the ISS?" "Who was on Crew-11?" \
           "How many hooks latched the Dragon capsule into place?" "Who commanded Crew-13?"; do
    echo "================================================================"
    echo "Q: $q"
    assistant ask "$q"
  done
fi
