#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed. The model is named by a hash of the training
# data, config and domain, and cached outside the work tree so a fresh clone reuses it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# The generated parts of bot/domain/ and bot/data/rules/ must match their sources before training.
.venv-rasa/bin/python bot/scripts/generate.py --check

# The interpreter is part of the name: a model trained under another Python is not reused. So are the
# pipeline's own component (bot/components) and the embedding model it reads (its fingerprint): a model
# trained on other vectors is refused at load.
hash=$( (find bot/config.yml bot/domain bot/data -type f -name '*.yml' | sort | xargs sha256sum
         find bot/components -type f -name '*.py' | sort | xargs sha256sum
         .venv-rasa/bin/python -c 'import sys; print("python%d.%d" % sys.version_info[:2])'
         .venv-rasa/bin/python -c 'from knowledge_base.embedder import model_dir
from knowledge_base.model_convert import model_fingerprint
print("embedding", model_fingerprint(model_dir()))') | sha256sum | cut -c1-16)
name="kakehashi-$hash"
mkdir -p bot/models "$KAKEHASHI_CACHE/models"
if [ -f "bot/models/$name.tar.gz" ]; then
  echo "train: model $name up to date"
elif [ -f "$KAKEHASHI_CACHE/models/$name.tar.gz" ]; then
  cp "$KAKEHASHI_CACHE/models/$name.tar.gz" bot/models/
  echo "train: model $name restored from cache"
else
  echo "train: training $name (about 10-20 minutes on 2 quiet cores; longer under load)"
  start=$(date +%s)
  .venv-rasa/bin/rasa train --quiet --data bot/data --config bot/config.yml --domain bot/domain \
    --out bot/models --fixed-model-name "$name"
  echo "train: done in $(( $(date +%s) - start )) s"
  cp "bot/models/$name.tar.gz" "$KAKEHASHI_CACHE/models/"
fi
# Keep only the current model in bot/models so `rasa run` loads this one.
find bot/models -name 'kakehashi-*.tar.gz' ! -name "$name.tar.gz" -delete
echo "bot/models/$name.tar.gz" > var/current-model
