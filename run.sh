#!/usr/bin/env bash
# One command: install, index the shipped articles, then open the assistant.
#   ./run.sh                       -> the web page (and the /v1 API) on http://127.0.0.1:7860/
#   ./run.sh "Who leads Crew-12?"  -> answer one question in the terminal
#   ./run.sh --demo                -> answer five demo questions in the terminal
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
. .venv/bin/activate
assistant ingest index/articles
if [ "$#" -eq 0 ]; then
  exec assistant serve
elif [ "$1" = "--demo" ]; then
  for q in "Who leads the Crew-12 mission?" "When did Crew-12 dock with the ISS?" "Who was on Crew-11?" \
           "How many hooks latched the Dragon capsule into place?" "Who commanded Crew-13?"; do
    echo "================================================================"
    echo "Q: $q"
    assistant ask "$q"
  done
else
  assistant ask "$*"
fi
