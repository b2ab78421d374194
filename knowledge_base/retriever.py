"""Query-time retrieval: load var/index/ once, answer `search()` with topics in the answer language."""

from __future__ import annotations

import json
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base.articles import Article, Section
from knowledge_base.bm25 import BM25
from knowledge_base.confidence import ConfidenceModel, features
from knowledge_base.embedder import Embedder, load_embedder
from knowledge_base.fusion import TUNED, FusionWeights, rrf, topic_max, topic_slots, topic_top_mean
from knowledge_base.index_builder import DEFAULT_INDEX_DIR, QUESTION, read_manifest
from knowledge_base.language import DEFAULT_LANGUAGE, LANGUAGES, detect, normalise_locale
from knowledge_base.tokens import tokens

log = logging.getLogger(__name__)

# e5 reads at most 512 tokens; a question never needs more than this many characters, and cutting
# early keeps a pasted 5,000-character message from costing a full-length forward pass.
MAX_QUERY_CHARS = 1000
SNIPPET_CHARS = 280
DEFAULT_THRESHOLD = 0.5
# A topic's example-question score is the mean of its best this-many questions (chosen on the
# dev set's tuning part: 3 beat 1 and 2 there).
QUESTION_POOL = 3


@dataclass(frozen=True)
class Hit:
    topic_id: str
    title: str
    score: float
    url: str
    snippet: str
    summary: str
    sources: list[str]
    last_reviewed: str
    review_status: str
    related: list[str]
    language: str

    def public(self) -> dict[str, Any]:
        """The fields of the stable HTTP/CLI contract."""
        return {
            "topic_id": self.topic_id,
            "title": self.title,
            "score": round(self.score, 4),
            "url": self.url,
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class SearchResult:
    language: str
    results: list[Hit]
    confident: bool
    foreign: str | None = None
    detected: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        """The search contract: `confident` is true exactly when the chat answers directly."""
        return {"language": self.language, "confident": self.confident, "results": [h.public() for h in self.results]}


def cut_query(text: str, limit: int = MAX_QUERY_CHARS) -> str:
    """Shorten to `limit` characters, at a space when one is near, never inside a combining sequence."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    # Do not leave a base letter without its vowel sign or accent (Devanagari, Vietnamese).
    while cut and len(cut) < len(text) and unicodedata.combining(text[len(cut)]):
        cut = cut[:-1]
    return cut


def _snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.6 else cut).rstrip(" ,.;:、。") + "…"


class Retriever:
    def __init__(
        self,
        index_dir: Path,
        embedder: Embedder,
        chunks: list[dict[str, Any]],
        vectors: Any,
        bm25: dict[str, tuple[list[int], BM25]],
        articles: dict[str, dict[str, dict[str, Any]]],
        manifest: dict[str, Any],
        confidence: ConfidenceModel,
        weights: FusionWeights,
        bm25_questions: tuple[list[int], BM25] | None = None,
    ) -> None:
        self.index_dir = index_dir
        self.embedder = embedder
        self.chunks = chunks
        self.vectors = vectors
        self.bm25 = bm25
        self.articles = articles
        self.manifest = manifest
        self.confidence = confidence
        self.weights = weights
        self.bm25_questions = bm25_questions
        self.topics = sorted({c["topic_id"] for c in chunks})
        topic_index = {t: i for i, t in enumerate(self.topics)}
        self.chunk_topic = np.array([topic_index[c["topic_id"]] for c in chunks], dtype=np.int64)
        self.chunk_language = np.array([c["language"] for c in chunks])
        self.chunk_is_question = np.array([c["kind"] == QUESTION for c in chunks], dtype=bool)
        self.question_slots = topic_slots(self.chunk_topic, len(self.topics), self.chunk_is_question)

    @property
    def threshold(self) -> float:
        """The confidence model's probability threshold (above it the chat answers directly)."""
        return self.confidence.threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        self.confidence = self.confidence.with_threshold(value)

    @classmethod
    def load(cls, index_dir: Path = DEFAULT_INDEX_DIR, embedder: Embedder | None = None) -> Retriever:
        import faiss

        manifest = read_manifest(index_dir)
        if manifest is None:
            raise FileNotFoundError(f"no index in {index_dir}: run `python -m knowledge_base build`")
        embedder = embedder or load_embedder()
        if manifest.get("model_hash") != embedder.fingerprint:
            # Vectors from another model are not comparable with this model's queries.
            raise RuntimeError(
                f"index {index_dir} was built with model {manifest.get('model_hash')}, "
                f"the loaded model is {embedder.fingerprint}: rebuild the index"
            )
        chunks = json.loads((index_dir / "chunks.json").read_text(encoding="utf-8"))
        bm25_raw = json.loads((index_dir / "bm25.json").read_text(encoding="utf-8"))
        bm25 = {lang: (list(data["chunk_ids"]), BM25.from_json(data)) for lang, data in bm25_raw.items()}
        questions_path = index_dir / "bm25_questions.json"
        bm25_questions = None
        if questions_path.is_file():
            raw = json.loads(questions_path.read_text(encoding="utf-8"))
            bm25_questions = (list(raw["chunk_ids"]), BM25.from_json(raw))
        articles = json.loads((index_dir / "articles.json").read_text(encoding="utf-8"))
        confidence, weights = load_calibration(index_dir, manifest)
        vectors = faiss.read_index(str(index_dir / "vectors.faiss"))
        return cls(index_dir, embedder, chunks, vectors, bm25, articles, manifest, confidence, weights, bm25_questions)

    # ---- search -------------------------------------------------------------------------------

    def search(self, query: str, language: str | None = None, top: int = 5) -> SearchResult:
        if not query or not query.strip():
            raise ValueError("empty query")
        text = cut_query(query)
        detection = detect(text)
        given = normalise_locale(language)
        if language and not given:
            raise ValueError(f"unsupported language {language!r}; one of {', '.join(LANGUAGES)}")
        answer = given or detection.language or DEFAULT_LANGUAGE
        log.debug("search: %d chars, answer language %s, detected %s", len(text), answer, detection.language)

        signals, dense = self.signals(text, answer, detected=detection.language)
        scores = self.fuse(signals, self.weights) / self.weights.best_possible
        order = [int(i) for i in np.argsort(-scores, kind="stable")[: max(1, top)] if scores[i] > 0]
        hits = [self._hit(self.topics[i], answer, float(scores[i]), dense) for i in order]
        confident = bool(hits) and bool(self.confidence.decide(features(scores, signals)))
        return SearchResult(answer, hits, confident, foreign=detection.foreign, detected=detection.language)

    def signals(self, text: str, answer: str, detected: str | None) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Per-topic scores of each retrieval signal (kept apart so evaluation can re-weight them)."""
        query_vector = self.embedder.encode_queries([text]).astype(np.float32)
        dense = np.full(len(self.chunks), -np.inf, dtype=np.float32)
        sims, ids = self.vectors.search(query_vector, len(self.chunks))
        dense[ids[0]] = sims[0]
        n_topics = len(self.topics)
        languages = {answer} | ({detected} if detected else set())
        article = ~self.chunk_is_question
        in_language = np.isin(self.chunk_language, list(languages)) & article
        # A query read as Nepali also gets the sound keys that let romanised and Devanagari meet.
        query_tokens = tokens(text, nepali="ne" in languages)
        signals = {
            "dense_language": topic_max(dense, self.chunk_topic, n_topics, in_language),
            "dense_any": topic_max(dense, self.chunk_topic, n_topics, article),
            "bm25": self._bm25_topics(query_tokens, languages, n_topics),
            # Romanised or mixed questions ("student visa ko lagi bank balance", "zairyuu shikaku")
            # share words with articles in other languages: every language's BM25, each scaled
            # to its own best topic so the languages compare.
            "bm25_any": self._bm25_topics(query_tokens, set(self.bm25), n_topics, scaled=True),
            "question_dense": topic_top_mean(dense, self.question_slots, QUESTION_POOL),
            "question_bm25": self._bm25_question_topics(query_tokens, n_topics),
        }
        return signals, dense

    @staticmethod
    def fuse(signals: dict[str, np.ndarray], w: FusionWeights) -> np.ndarray:
        """Fused topic scores (unnormalised); works on stacked signals (questions x topics) too."""
        return rrf(signals, w.by_signal(), w.k)

    def _bm25_question_topics(self, query_tokens: list[str], n_topics: int) -> np.ndarray:
        out = np.zeros(n_topics, dtype=np.float32)
        if not query_tokens or self.bm25_questions is None:
            return out
        chunk_ids, model = self.bm25_questions
        scores = model.scores(query_tokens)
        if scores.any():
            out = np.maximum(out, topic_max(scores, self.chunk_topic[chunk_ids], n_topics))
        return out

    def _bm25_topics(
        self, query_tokens: list[str], languages: set[str], n_topics: int, scaled: bool = False
    ) -> np.ndarray:
        out = np.zeros(n_topics, dtype=np.float32)
        if not query_tokens:
            return out
        for language in languages:
            if language not in self.bm25:
                continue
            chunk_ids, model = self.bm25[language]
            scores = model.scores(query_tokens)
            if scores.any():
                per_topic = topic_max(scores, self.chunk_topic[chunk_ids], n_topics)
                out = np.maximum(out, per_topic / per_topic.max() if scaled else per_topic)
        return out

    # ---- articles -----------------------------------------------------------------------------

    def _record(self, topic_id: str, language: str) -> tuple[str, dict[str, Any]] | None:
        """The article in `language`, else English, else any language that has the topic."""
        for lang in (language, DEFAULT_LANGUAGE, *LANGUAGES):
            record = self.articles.get(lang, {}).get(topic_id)
            if record is not None:
                return lang, record
        return None

    def get_article(self, topic_id: str, language: str) -> Article | None:
        found = self._record(topic_id, normalise_locale(language) or DEFAULT_LANGUAGE)
        if found is None:
            return None
        _, r = found
        return Article(
            topic_id=r["topic_id"],
            language=r["language"],
            title=r["title"],
            summary=r["summary"],
            sources=tuple(r["sources"]),
            last_reviewed=r["last_reviewed"],
            review_status=r["review_status"],
            related=tuple(r["related"]),
            translation_of=r.get("translation_of"),
            sections=tuple(Section(s["heading"], s["text"]) for s in r["sections"]),
        )

    def _hit(self, topic_id: str, language: str, score: float, dense: np.ndarray) -> Hit:
        found = self._record(topic_id, language)
        if found is None:  # cannot happen: topics come from the same index
            raise KeyError(topic_id)
        lang, r = found
        return Hit(
            topic_id=topic_id,
            title=r["title"],
            score=score,
            url=f"/kb/{lang}/{topic_id}",
            snippet=self._snippet(topic_id, lang, r, dense),
            summary=r["summary"],
            sources=list(r["sources"]),
            last_reviewed=r["last_reviewed"],
            review_status=r["review_status"],
            related=list(r["related"]),
            language=lang,
        )

    def _snippet(self, topic_id: str, language: str, record: dict[str, Any], dense: np.ndarray) -> str:
        """The answer-language chunk of the topic closest to the query: the part that matched."""
        mask = (
            (self.chunk_language == language)
            & (self.chunk_topic == self.topics.index(topic_id))
            & ~self.chunk_is_question  # an example question is never the answer's text
        )
        candidates = np.flatnonzero(mask)
        if len(candidates) == 0:
            return _snippet(record["summary"])
        best = int(candidates[np.argmax(dense[candidates])])
        return _snippet(self.chunks[best]["text"])


def load_calibration(index_dir: Path, manifest: dict[str, Any]) -> tuple[ConfidenceModel, FusionWeights]:
    """Confidence model and fusion weights fitted on the dev set's tuning part, if they belong to
    this index; otherwise the tuned weights in the code and the old top-score rule."""
    path = index_dir / "calibration.json"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        same_build = data.get("content_hash") == manifest.get("content_hash") and data.get(
            "model_hash"
        ) == manifest.get("model_hash")
        if same_build and "confidence" in data:
            try:
                return ConfidenceModel.from_json(data["confidence"]), FusionWeights(**data.get("weights", {}))
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("calibration in %s is unreadable (%s); using defaults", index_dir, exc)
        else:
            log.warning("calibration in %s belongs to another index build; using defaults", index_dir)
    return ConfidenceModel.default(DEFAULT_THRESHOLD), TUNED
