"""A second opinion on the intent from multilingual sentence embeddings, averaged with DIET's.

Issue #14: DIET on word and character n-grams reaches 0.88-0.93 on the held-out sets, and its misses
are confident (a guidance question holding another intent's keyword goes to that intent at 0.99). A
logistic regression on multilingual-e5 sentence vectors (the knowledge base's embedding model, int8
ONNX) errs on other messages: it reads meaning, not shared words. A second regression on the
message's character n-grams (TF-IDF, char_wb 1-4, as DIET's featurizer) reads spelling: short social
turns ("cảm ơn nhé", "ok ty") that the vectors place near each other. This component runs after
DIETClassifier and the FallbackClassifier, and replaces `intent` and `intent_ranking` with the weighted
mean of the distributions. A message the FallbackClassifier found unsure on DIET's distribution stays
`nlu_fallback`: the bot asks again exactly when it did before, and the mean (whose confidence is low
wherever the opinions disagree) only decides between intents.

Contract:
- Config `weight` (default 0.5; bot/config.yml sets it): the sentence opinions' share of the mean;
  `char_share` (default 0.0): the character regression's share within them, the vectors' being the
  rest. Both chosen on a validation split of the training files by bot/scripts/choose_intent_weight.py,
  never on the held-out sets. `C` and `char_C`: candidates for each regression's inverse
  regularisation, one each chosen by 5-fold cross-validation on the training examples only.
- Trains on the NLU training examples (intent examples, not responses); persists both regressions
  (coefficients, the n-gram vocabulary and its idf) with the model, and the embedding model's
  fingerprint, so a model is never read with vectors from another embedding model (load refuses it).
- The embedding model folder comes from `EMBEDDING_MODEL` (scripts/env.sh; the Dockerfile's ENV), as for
  the knowledge base.
"""

from __future__ import annotations

import importlib
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

RANKING_LENGTH = 10
FALLBACK_INTENT = "nlu_fallback"  # the FallbackClassifier's (rasa.core.constants.DEFAULT_NLU_FALLBACK_INTENT_NAME)
_WEIGHTS = "weights.npz"
_META = "meta.json"


def _embedder() -> Any:
    # Imported when first needed: the loader brings onnxruntime, which `rasa data validate` never needs. By
    # name, so that mypy checks this package against the Rasa virtualenv's numpy without following the
    # knowledge base, which is checked against the api's.
    return importlib.import_module("knowledge_base.embedder").load_embedder(backend="onnx")


def char_vectorizer(vocabulary: dict[str, int] | None = None) -> Any:
    """Character n-grams within word boundaries, lower-cased, sublinear TF-IDF: one definition for training
    and loading (a fitted vocabulary is passed back in, and its idf set, to rebuild the same transform)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 4), lowercase=True, sublinear_tf=True, vocabulary=vocabulary
    )


def softmax(scores: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    scores = scores - scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def combine(diet: dict[str, float], sentence: dict[str, float], weight: float) -> list[tuple[str, float]]:
    """The weighted mean of two intent distributions, best first (an intent one side lacks counts 0)."""
    names = set(diet) | set(sentence)
    mixed = {n: (1.0 - weight) * diet.get(n, 0.0) + weight * sentence.get(n, 0.0) for n in names}
    return sorted(mixed.items(), key=lambda item: (-item[1], item[0]))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "weight": 0.5,
            "char_share": 0.0,
            "C": [1.0, 10.0, 100.0, 1000.0],
            "char_C": [10.0, 30.0, 100.0],
            "folds": 5,
            "random_seed": 2026,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        intents: list[str] | None = None,
        coef: np.ndarray[Any, Any] | None = None,
        intercept: np.ndarray[Any, Any] | None = None,
        embedder: Any = None,
        chars: tuple[Any, np.ndarray[Any, Any], np.ndarray[Any, Any]] | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._intents = intents or []
        self._coef = coef
        self._intercept = intercept
        self._embedder = embedder
        # The character regression: (fitted vectorizer, coefficients, intercepts), same intent order.
        self._chars = chars

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceIntentClassifier:
        return cls(config, model_storage, resource)

    def _vectors(self, texts: list[str]) -> np.ndarray[Any, Any]:
        if self._embedder is None:
            self._embedder = _embedder()
        return np.asarray(self._embedder.encode_queries(texts), dtype=np.float64)

    def _chosen(
        self, features: Any, labels: np.ndarray[Any, Any], candidates: list[float]
    ) -> tuple[Any, dict[float, float]]:
        """A logistic regression fitted on all examples, its C the best of `candidates` by cross-validation."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold, cross_val_score

        folds = StratifiedKFold(
            n_splits=int(self._config["folds"]), shuffle=True, random_state=int(self._config["random_seed"])
        )
        scores = {
            float(c): float(
                cross_val_score(LogisticRegression(C=float(c), max_iter=3000), features, labels, cv=folds).mean()
            )
            for c in candidates
        }
        best = max(scores, key=lambda c: (scores[c], -c))
        return LogisticRegression(C=best, max_iter=3000).fit(features, labels), scores

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        if not examples:
            logger.warning("SentenceIntentClassifier: no intent examples, nothing trained")
            return self._resource
        texts = [str(m.get(TEXT)) for m in examples]
        labels = np.array([str(m.get(INTENT)) for m in examples])
        model, scores = self._chosen(self._vectors(texts), labels, list(self._config["C"]))
        logger.info("SentenceIntentClassifier: vectors C=%s chosen by cross-validation %s", model.C, scores)
        self._intents = [str(n) for n in model.classes_]
        self._coef = np.asarray(model.coef_, dtype=np.float32)
        self._intercept = np.asarray(model.intercept_, dtype=np.float32)
        vectorizer = char_vectorizer()
        chars, char_scores = self._chosen(vectorizer.fit_transform(texts), labels, list(self._config["char_C"]))
        logger.info("SentenceIntentClassifier: characters C=%s chosen by cross-validation %s", chars.C, char_scores)
        assert [str(n) for n in chars.classes_] == self._intents  # the same labels, sorted the same way
        self._chars = (
            vectorizer,
            np.asarray(chars.coef_, dtype=np.float32),
            np.asarray(chars.intercept_, dtype=np.float32),
        )
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(
                Path(directory) / _WEIGHTS,
                coef=self._coef,
                intercept=self._intercept,
                char_coef=self._chars[1],
                char_intercept=self._chars[2],
                char_idf=np.asarray(vectorizer.idf_, dtype=np.float64),
            )
            meta = {
                "intents": self._intents,
                "C": float(model.C),
                "cv": scores,
                "char_C": float(chars.C),
                "char_cv": char_scores,
                "char_vocabulary": {str(k): int(v) for k, v in vectorizer.vocabulary_.items()},
                "embedding": self._embedder.fingerprint,
            }
            (Path(directory) / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SentenceIntentClassifier:
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((Path(directory) / _META).read_text(encoding="utf-8"))
                arrays = dict(np.load(Path(directory) / _WEIGHTS))
                coef, intercept = arrays["coef"], arrays["intercept"]
        except (ValueError, FileNotFoundError):
            logger.warning("SentenceIntentClassifier: no trained weights, DIET decides alone")
            return cls(config, model_storage, resource)
        if "char_vocabulary" not in meta or "char_idf" not in arrays:
            raise ValueError("the intent model predates the character regression: retrain (scripts/train.sh)")
        embedder = _embedder()
        if embedder.fingerprint != meta["embedding"]:
            raise ValueError(
                f"the intent model was trained with embedding model {meta['embedding']}, "
                f"but EMBEDDING_MODEL is {embedder.fingerprint}: retrain (scripts/train.sh)"
            )
        vectorizer = char_vectorizer(meta["char_vocabulary"])
        vectorizer.idf_ = arrays["char_idf"]
        chars = (vectorizer, arrays["char_coef"], arrays["char_intercept"])
        return cls(config, model_storage, resource, meta["intents"], coef, intercept, embedder, chars)

    def probabilities(self, texts: list[str]) -> np.ndarray[Any, Any]:
        """Each text's distribution over the intents (rows sum to 1): the vectors' regression and the
        characters', mixed by `char_share`."""
        assert self._coef is not None and self._intercept is not None and self._chars is not None
        vectors = softmax(self._vectors(texts) @ self._coef.T.astype(np.float64) + self._intercept)
        share = float(self._config["char_share"])
        if share == 0.0:
            return vectors
        vectorizer, char_coef, char_intercept = self._chars
        chars = softmax(np.asarray(vectorizer.transform(texts) @ char_coef.T.astype(np.float64)) + char_intercept)
        return np.asarray((1.0 - share) * vectors + share * chars)

    def process(self, messages: list[Message]) -> list[Message]:
        if self._coef is None:
            return messages
        todo = [
            m
            for m in messages
            if m.get(TEXT)
            and not str(m.get(TEXT)).startswith("/")
            and (m.get(INTENT) or {}).get("name") != FALLBACK_INTENT
        ]
        if not todo:
            return messages
        weight = float(self._config["weight"])
        for message, row in zip(todo, self.probabilities([str(m.get(TEXT)) for m in todo]), strict=True):
            diet = {
                str(r["name"]): float(r["confidence"])
                for r in message.get(INTENT_RANKING_KEY) or []
                if r["name"] != FALLBACK_INTENT
            }
            sentence = {name: float(p) for name, p in zip(self._intents, row, strict=True)}
            ranking = combine(diet, sentence, weight)[:RANKING_LENGTH]
            message.set(INTENT, {"name": ranking[0][0], "confidence": ranking[0][1]}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                [{"name": name, "confidence": confidence} for name, confidence in ranking],
                add_to_output=True,
            )
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
