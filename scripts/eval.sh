#!/usr/bin/env bash
# Accuracy figures: intents per language, language identification, knowledge retrieval.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "== NLU (model $(cat var/current-model))"
.venv-rasa/bin/python bot/scripts/evaluate_nlu.py "$(cat var/current-model)" --json var/nlu-eval.json
echo "== language identification"
.venv/bin/python scripts/eval_language_id.py
echo "== knowledge retrieval"
.venv/bin/python -m knowledge_base eval
