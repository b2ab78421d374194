#!/usr/bin/env bash
# Rasa's own checks: data validation, the conversation tests, and a held-out accuracy guard.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
model=$(cat var/current-model)
out=var/rasa-results
rm -rf "$out"

.venv-rasa/bin/rasa data validate --quiet --data bot/data --domain bot/domain --config bot/config.yml

.venv-rasa/bin/rasa test core --quiet --model "$model" --stories bot/tests/conversations.yml --out "$out" \
  --no-plot --fail-on-prediction-errors
if ! grep -q "None of the test stories failed" "$out/failed_test_stories.yml"; then
  echo "conversation tests failed:" >&2; cat "$out/failed_test_stories.yml" >&2; exit 1
fi
echo "rasa: conversation tests passed ($(grep -c 'story:' bot/tests/conversations.yml) stories)"

# A regression guard well under the 0.90 target; `make eval` reports the real figures.
.venv-rasa/bin/python bot/scripts/evaluate_nlu.py "$model" --min-accuracy 0.85
