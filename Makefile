# Kakehashi. `make run` starts everything on embedded defaults; `make test` runs every check.
# Both set up what is missing first and are idempotent.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
VENV_RASA := .venv-rasa
PY := $(VENV)/bin/python
ENV := source scripts/env.sh &&

.PHONY: help setup system axe venvs model index train bot-files run run-prod test lint typecheck test-api test-kb test-actions test-rasa test-e2e eval intent-weight bench soak audit dialogues clean

help:
	@echo "make run    start api (8000), Rasa (5005) and actions (5055) on SQLite; Ctrl-C stops"
	@echo "make run-prod  the production shape on local PostgreSQL + Redis: api workers, 2 Rasa replicas"
	@echo "make test   lint, types, unit and API tests, action tests, Rasa conversation tests, end-to-end"
	@echo "make setup  virtualenvs, embedding model, knowledge index, Rasa model (all cached)"
	@echo "make eval   intent accuracy and language identification per language; retrieval hit@k"
	@echo "make bench  latency, throughput and memory figures (ends with a 30-minute soak: SOAK_MINUTES=0 skips it)"
	@echo "make audit  known vulnerabilities in both virtualenvs' pins (pip-audit)"

setup: system venvs model index train

# Debian packages (browser, fonts, PDF tools) from requirements/apt.txt, before anything else runs.
system:
	@scripts/ensure-system.sh

venvs: system
	@scripts/setup-venvs.sh

# axe-core from npm for the browser tests' accessibility checks (requirements/axe.txt), into var/axe/.
# Idempotent; needs no network once installed (npm's cache serves a reinstall offline).
axe: system
	@scripts/ensure-axe.sh

model: venvs
	@$(ENV) $(PY) -m knowledge_base convert-model --out "$$EMBEDDING_MODEL"

index: model
	@$(ENV) $(PY) -m knowledge_base validate
	@$(ENV) $(PY) -m knowledge_base build
	@# The confidence model is fitted on the dev set's tuning part whenever the index changed.
	@if [ ! -f var/index/calibration.json ] || [ var/index/manifest.json -nt var/index/calibration.json ]; then \
	  $(ENV) $(PY) -m knowledge_base eval --calibrate > var/kb-calibration.log && tail -n 12 var/kb-calibration.log; fi

# The NLU pipeline embeds sentences with the knowledge base's model (bot/components/sentence_intents.py).
train: model
	@scripts/train.sh

# Rewrite the generated parts of bot/domain/ and bot/data/rules/ (the forms' slots, questions, ways out
# and the language menu) from api/chat_flows/slots.py and knowledge_base/languages.py.
bot-files: venvs
	@$(ENV) $(PY) bot/scripts/generate.py

run: setup
	@scripts/run.sh

# The production shape (docker-compose.yml without Docker): API_WORKERS uvicorn workers, the channel workers,
# RASA_REPLICAS Rasa replicas with their action servers, on DATABASE_URL (PostgreSQL) and REDIS_URL.
run-prod: setup
	@scripts/run-prod.sh

test: setup lint typecheck test-api test-kb test-actions test-rasa test-e2e
	@echo "make test: all checks passed"

lint: venvs
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

typecheck: venvs
	@$(VENV)/bin/mypy api knowledge_base
	@$(VENV)/bin/mypy --python-executable $(VENV_RASA)/bin/python --python-version 3.11 actions bot/components

test-api: venvs axe
	@$(ENV) $(VENV)/bin/pytest -q tests --ignore=tests/actions --ignore=tests/nlu --ignore=tests/e2e --ignore=tests/dialogues

# Accuracy guard on the dev set's test part, against the built index (a few seconds).
test-kb: index
	@$(ENV) $(PY) -m knowledge_base eval --check

test-actions: venvs
	@$(ENV) $(VENV_RASA)/bin/python -m pytest -q -p no:cacheprovider tests/actions tests/nlu

test-rasa: train
	@scripts/rasa-tests.sh

# The end-to-end tests and the chat-flow dialogue set (issue #20), on one stack.
test-e2e: setup
	@scripts/e2e.sh $(VENV)/bin/pytest -q tests/e2e tests/dialogues

eval: setup
	@scripts/eval.sh

# Re-choose the intent component's weight on a validation split of the training files (about 15 minutes;
# prints the accuracy per weight; bot/config.yml carries the choice). Never reads the held-out sets.
intent-weight: setup
	@$(ENV) $(VENV_RASA)/bin/python bot/scripts/choose_intent_weight.py

bench: setup
	@scripts/bench.sh

# The soak alone (also the last part of `make bench`): SOAK_MINUTES of mixed traffic, then what grew.
soak: setup
	@scripts/e2e.sh $(VENV)/bin/python scripts/bench_soak.py

# The chat-flow dialogue set alone (issue #20: 200 dialogues as people type; also in `make test-e2e`),
# through the real stack; prints completion, median turns and re-asks per flow and language.
dialogues: setup
	@scripts/e2e.sh $(VENV)/bin/pytest -q tests/dialogues; status=$$?; $(ENV) $(PY) -m tests.dialogues.summary; exit $$status

# Known vulnerabilities in both virtualenvs' pins (needs an advisory service: PyPI's JSON API or OSV).
audit: venvs
	@scripts/audit.sh

clean:
	rm -rf var/index var/log var/rasa-cache bot/models results
