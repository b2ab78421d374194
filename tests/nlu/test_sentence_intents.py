"""bot/components/sentence_intents.py in the Rasa virtualenv: the mean with DIET, the two regressions
(sentence vectors, character n-grams), training, persistence, and the refusal to read a model with another
embedding model's vectors or without the character regression."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components import sentence_intents
from bot.components.sentence_intents import SentenceIntentClassifier, combine

# Three intents whose words the fake embedder maps to three directions.
WORDS = {"hello": 0, "hi": 0, "hey": 0, "visa": 1, "permit": 1, "residence": 1, "bye": 2, "later": 2, "ciao": 2}
EXAMPLES = {
    "greet": ["hello", "hi", "hey", "hello hi", "hey hello", "hi hey"],
    "ask_guidance": ["visa", "permit", "residence", "visa permit", "residence visa", "permit residence"],
    "goodbye": ["bye", "later", "ciao", "bye later", "ciao bye", "later ciao"],
}


class FakeEmbedder:
    def __init__(self, fingerprint: str = "fake-1") -> None:
        self.fingerprint = fingerprint
        self.calls: list[list[str]] = []

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 3), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.split():
                if word in WORDS:
                    out[row, WORDS[word]] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


@pytest.fixture
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


@pytest.fixture
def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def _training() -> TrainingData:
    return TrainingData(
        [Message(data={"text": text, "intent": intent}) for intent, texts in EXAMPLES.items() for text in texts]
    )


def _trained(
    storage: LocalModelStorage, context: ExecutionContext, monkeypatch: Any, fingerprint: str = "fake-1"
) -> Resource:
    monkeypatch.setattr(sentence_intents, "_embedder", lambda: FakeEmbedder(fingerprint))
    config = {**SentenceIntentClassifier.get_default_config(), "folds": 2}
    resource = Resource("sentence_intents")
    SentenceIntentClassifier.create(config, storage, resource, context).train(_training())
    return resource


def _loaded(
    storage: LocalModelStorage, context: ExecutionContext, resource: Resource, **config: Any
) -> SentenceIntentClassifier:
    return SentenceIntentClassifier.load(
        {**SentenceIntentClassifier.get_default_config(), **config}, storage, resource, context
    )


def test_a_misspelling_the_vectors_cannot_place_is_placed_by_its_characters(
    storage: LocalModelStorage, context: ExecutionContext, monkeypatch: Any
) -> None:
    resource = _trained(storage, context, monkeypatch)
    # "helloo" and "byee" are no word the fake embedder knows: its vector is zero and the vectors'
    # regression can only guess from its intercepts; their character n-grams are those of hello and bye.
    texts = ["helloo", "byee"]
    vectors = _loaded(storage, context, resource, char_share=0.0).probabilities(texts)
    chars = _loaded(storage, context, resource, char_share=1.0).probabilities(texts)
    mixed = _loaded(storage, context, resource, char_share=0.6).probabilities(texts)
    intents = _loaded(storage, context, resource)._intents
    assert np.allclose(vectors[0], vectors[1])  # one guess for both: the vectors cannot tell them apart
    assert [intents[i] for i in chars.argmax(axis=1)] == ["greet", "goodbye"]
    assert np.allclose(mixed, 0.4 * vectors + 0.6 * chars)
    assert np.allclose(mixed.sum(axis=1), 1.0)


def test_the_character_regression_is_read_back_as_it_was_trained(
    storage: LocalModelStorage, context: ExecutionContext, monkeypatch: Any
) -> None:
    monkeypatch.setattr(sentence_intents, "_embedder", lambda: FakeEmbedder())
    config = {**SentenceIntentClassifier.get_default_config(), "folds": 2, "char_share": 0.5}
    resource = Resource("sentence_intents")
    trained = SentenceIntentClassifier.create(config, storage, resource, context)
    trained.train(_training())
    texts = ["hello there", "visaa", "ciao ciao", "ビザ", ""]
    again = _loaded(storage, context, resource, char_share=0.5).probabilities(texts)
    assert np.allclose(trained.probabilities(texts), again, atol=1e-6)


def test_a_model_without_the_character_regression_is_refused(
    storage: LocalModelStorage, context: ExecutionContext, monkeypatch: Any
) -> None:
    import json

    resource = _trained(storage, context, monkeypatch)
    with storage.write_to(resource) as directory:  # an older model: the vectors' regression alone
        meta_path = Path(directory) / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        del meta["char_vocabulary"]
        meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ValueError, match="retrain"):
        _loaded(storage, context, resource)


def test_combine_is_the_weighted_mean_best_first() -> None:
    mixed = combine({"greet": 0.9, "thank": 0.1}, {"greet": 0.2, "ask_guidance": 0.8}, 0.5)
    assert mixed[0] == ("greet", pytest.approx(0.55))
    assert dict(mixed) == {
        "greet": pytest.approx(0.55),
        "ask_guidance": pytest.approx(0.4),
        "thank": pytest.approx(0.05),
    }
    # Weight 0 is DIET alone, weight 1 the sentence vectors alone.
    assert combine({"greet": 1.0}, {"thank": 1.0}, 0.0)[0] == ("greet", 1.0)
    assert combine({"greet": 1.0}, {"thank": 1.0}, 1.0)[0] == ("thank", 1.0)


def test_a_confident_diet_miss_is_outvoted_by_the_sentence_vectors(
    storage: LocalModelStorage, context: ExecutionContext, monkeypatch: Any
) -> None:
    resource = _trained(storage, context, monkeypatch)
    classifier = _loaded(storage, context, resource)
    # DIET put the visa question under goodbye, narrowly; the vectors know it is a guidance question.
    message = Message(data={"text": "residence visa"})
    message.set("intent", {"name": "goodbye", "confidence": 0.55})
    message.set(
        "intent_ranking", [{"name": "goodbye", "confidence": 0.55}, {"name": "ask_guidance", "confidence": 0.45}]
    )
    agreed = Message(data={"text": "hello"})
    agreed.set("intent_ranking", [{"name": "greet", "confidence": 0.97}, {"name": "goodbye", "confidence": 0.03}])
    classifier.process([message, agreed])
    assert message.get("intent")["name"] == "ask_guidance"
    ranking = message.get("intent_ranking")
    assert ranking[0]["name"] == "ask_guidance"
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0, abs=1e-6)
    assert ranking == sorted(ranking, key=lambda r: -r["confidence"])
    assert agreed.get("intent")["name"] == "greet" and agreed.get("intent")["confidence"] > 0.6


def test_button_payloads_and_empty_text_are_left_to_the_regex_handler(
    storage: LocalModelStorage, context: ExecutionContext, monkeypatch: Any
) -> None:
    resource = _trained(storage, context, monkeypatch)
    classifier = _loaded(storage, context, resource)
    payload = Message(data={"text": "/greet"})
    payload.set("intent", {"name": "greet", "confidence": 1.0})
    empty = Message(data={"text": ""})
    classifier.process([payload, empty])
    assert payload.get("intent") == {"name": "greet", "confidence": 1.0}
    assert empty.get("intent") is None
    assert classifier._embedder.calls == []


def test_a_message_the_fallback_found_unsure_stays_the_fallback(
    storage: LocalModelStorage, context: ExecutionContext, monkeypatch: Any
) -> None:
    """The FallbackClassifier runs first, on DIET's distribution: the mean never overrules its doubt."""
    resource = _trained(storage, context, monkeypatch)
    classifier = _loaded(storage, context, resource)
    unsure = Message(data={"text": "residence visa"})
    unsure.set("intent", {"name": "nlu_fallback", "confidence": 0.4})
    unsure.set(
        "intent_ranking",
        [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "goodbye", "confidence": 0.35},
            {"name": "ask_guidance", "confidence": 0.3},
        ],
    )
    sure = Message(data={"text": "residence visa"})
    sure.set(
        "intent_ranking",
        [
            {"name": "greet", "confidence": 0.55},
            {"name": "ask_guidance", "confidence": 0.45},
            {"name": "nlu_fallback", "confidence": 0.0},
        ],
    )
    classifier.process([unsure, sure])
    assert unsure.get("intent") == {"name": "nlu_fallback", "confidence": 0.4}
    # A message let through is decided by the mean, and the fallback's own entry is not an intent in it.
    assert sure.get("intent")["name"] == "ask_guidance"
    assert "nlu_fallback" not in [r["name"] for r in sure.get("intent_ranking")]


def test_a_model_trained_with_another_embedding_model_is_refused(
    storage: LocalModelStorage, context: ExecutionContext, monkeypatch: Any
) -> None:
    resource = _trained(storage, context, monkeypatch, fingerprint="fake-1")
    monkeypatch.setattr(sentence_intents, "_embedder", lambda: FakeEmbedder("fake-2"))
    with pytest.raises(ValueError, match="retrain"):
        _loaded(storage, context, resource)


def test_without_trained_weights_diet_decides_alone(storage: LocalModelStorage, context: ExecutionContext) -> None:
    classifier = _loaded(storage, context, Resource("never_trained"))
    message = Message(data={"text": "hello"})
    message.set("intent", {"name": "greet", "confidence": 0.9})
    classifier.process([message])
    assert message.get("intent") == {"name": "greet", "confidence": 0.9}


def test_the_rasa_virtualenv_embeds_like_the_knowledge_base() -> None:
    """onnxruntime 1.15.1 on Rasa's numpy 1.23 gives the api's vectors (its metadata asks a newer numpy)."""
    import json
    import os
    import subprocess
    import sys

    texts = [
        "ビザを更新したいです",
        "how many points would I get?",
        "tôi muốn đổi visa",
        "मेरो भिसा",
        "quero falar com alguém",
    ]
    here = sentence_intents._embedder().encode_queries(texts)
    root = Path(__file__).resolve().parents[2]
    script = (
        "import json, sys; from knowledge_base.embedder import load_embedder; "
        "print(json.dumps(load_embedder(backend='onnx').encode_queries(json.loads(sys.argv[1])).tolist()))"
    )
    api_python = root / ".venv" / "bin" / "python"
    assert api_python != Path(sys.executable)
    out = subprocess.run(  # noqa: S603 (the repository's own interpreter and a fixed script)
        [str(api_python), "-c", script, json.dumps(texts)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        timeout=120,
    )
    there = np.asarray(json.loads(out.stdout))
    assert here.shape == there.shape == (5, 384)
    # int8 kernels differ a little between onnxruntime 1.15 and the api's: 0.998 measured.
    assert np.min(np.sum(here * there, axis=1)) > 0.995
