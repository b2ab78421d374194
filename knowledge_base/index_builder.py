"""Build var/index/: section chunks, dense vectors in FAISS, BM25 per language, article snapshot.

Besides the articles' chunks, each example question (questions/<lang>.yml) is a chunk of kind
"question": embedded as a query, BM25-indexed in one index across languages (bm25_questions.json),
and never shown as an answer's text.

The index is rebuilt only when the content hash (articles + chunking + tokeniser versions) or the
model fingerprint changed, so `make index` is cheap on every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge_base import articles as articles_mod
from knowledge_base import questions as questions_mod
from knowledge_base.articles import Article
from knowledge_base.bm25 import BM25
from knowledge_base.embedder import Embedder, load_embedder
from knowledge_base.tokens import TOKENIZER_VERSION, tokens

log = logging.getLogger(__name__)

DEFAULT_INDEX_DIR = Path(__file__).resolve().parents[1] / "var" / "index"
CHUNKER_VERSION = 2
INDEX_FORMAT = 2
QUESTION = "question"


@dataclass(frozen=True)
class Chunk:
    topic_id: str
    language: str
    kind: str  # "summary" (title + summary), "section", or "question" (an example question)
    heading: str
    text: str

    @property
    def passage(self) -> str:
        """What gets embedded and BM25-indexed."""
        return f"{self.heading}\n{self.text}".strip()

    @property
    def is_question(self) -> bool:
        return self.kind == QUESTION


def chunk_article(article: Article) -> list[Chunk]:
    """Title + summary as one chunk, then one chunk per section prefixed with the article's title.

    The title prefix keeps a section such as "Fees" attached to its subject, so a question about
    the fee of one status does not match every "Fees" section equally.
    """
    chunks = [Chunk(article.topic_id, article.language, "summary", article.title, article.summary)]
    for section in article.sections:
        if not section.text:
            continue
        heading = f"{article.title}: {section.heading}" if section.heading else article.title
        chunks.append(Chunk(article.topic_id, article.language, "section", heading, section.text))
    return chunks


def question_chunks(questions: list[questions_mod.Question], topics: set[str]) -> list[Chunk]:
    """Example questions of topics that have articles (a question for a missing topic is dropped)."""
    return [Chunk(q.topic_id, q.language, QUESTION, "", q.text) for q in questions if q.topic_id in topics]


def content_hash(content_dir: Path, questions_dir: Path | None = None) -> str:
    digest = hashlib.sha256(f"chunker={CHUNKER_VERSION};tokens={TOKENIZER_VERSION}".encode())
    for path in sorted(content_dir.glob("*/*.md")):
        digest.update(str(path.relative_to(content_dir)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for path in questions_mod.files(questions_dir) if questions_dir else []:
        digest.update(f"questions/{path.name}".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def read_manifest(index_dir: Path) -> dict[str, Any] | None:
    path = index_dir / "manifest.json"
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _article_record(article: Article) -> dict[str, Any]:
    record = asdict(article)
    record.pop("path")
    record["sections"] = [{"heading": s.heading, "text": s.text} for s in article.sections]
    return record


@dataclass(frozen=True)
class BuildResult:
    index_dir: Path
    built: bool
    manifest: dict[str, Any]


def build(
    index_dir: Path = DEFAULT_INDEX_DIR,
    content_dir: Path = articles_mod.CONTENT_DIR,
    embedder: Embedder | None = None,
    force: bool = False,
    questions_dir: Path | None = questions_mod.QUESTIONS_DIR,
) -> BuildResult:
    """`questions_dir=None` builds from the articles alone."""
    started = time.perf_counter()
    embedder = embedder or load_embedder()
    chash = content_hash(content_dir, questions_dir)
    existing = read_manifest(index_dir)
    if (
        not force
        and existing
        and existing.get("content_hash") == chash
        and existing.get("model_hash") == embedder.fingerprint
        and existing.get("format") == INDEX_FORMAT
    ):
        return BuildResult(index_dir, False, existing)

    import faiss

    docs = articles_mod.load_all(content_dir)
    chunks = [c for a in docs for c in chunk_article(a)]
    if not chunks:
        raise ValueError(f"no articles found under {content_dir}")
    if questions_dir is not None:
        chunks += question_chunks(questions_mod.load(questions_dir)[0], {a.topic_id for a in docs})
    vectors = _embed(embedder, chunks, index_dir, existing)
    faiss.normalize_L2(vectors)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)

    bm25: dict[str, Any] = {}
    for language in sorted({c.language for c in chunks}):
        ids = [i for i, c in enumerate(chunks) if c.language == language and not c.is_question]
        model = BM25.build([tokens(chunks[i].passage, romaji=True, nepali=language == "ne") for i in ids])
        bm25[language] = {"chunk_ids": ids, **model.to_json()}
    # One BM25 over every language's questions: a romanised Nepali question shares words with the
    # romanised questions of the Nepali file while the query is detected as, say, English.
    question_ids = [i for i, c in enumerate(chunks) if c.is_question]
    question_model = BM25.build(
        [tokens(chunks[i].passage, romaji=True, nepali=chunks[i].language == "ne") for i in question_ids]
    )
    bm25_questions = {"chunk_ids": question_ids, **question_model.to_json()}

    snapshot: dict[str, dict[str, Any]] = {}
    for article in docs:
        snapshot.setdefault(article.language, {})[article.topic_id] = _article_record(article)

    tmp = index_dir.with_name(index_dir.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    faiss.write_index(index, str(tmp / "vectors.faiss"))
    _dump(tmp / "chunks.json", [asdict(c) for c in chunks])
    _dump(tmp / "bm25.json", bm25)
    _dump(tmp / "bm25_questions.json", bm25_questions)
    _dump(tmp / "articles.json", snapshot)
    # A calibration from an earlier build stays valid only for the same content and model.
    old_calibration = index_dir / "calibration.json"
    if old_calibration.is_file() and existing and existing.get("content_hash") == chash:
        shutil.copy(old_calibration, tmp / "calibration.json")
    manifest = {
        "format": INDEX_FORMAT,
        "content_hash": chash,
        "model_hash": embedder.fingerprint,
        "model": embedder.name,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
        "articles": len(docs),
        "chunks": len(chunks),
        "questions": len(question_ids),
        "topics": len({a.topic_id for a in docs}),
        "languages": sorted(snapshot),
        "dim": int(vectors.shape[1]),
    }
    _dump(tmp / "manifest.json", manifest)
    shutil.rmtree(index_dir, ignore_errors=True)
    tmp.rename(index_dir)
    return BuildResult(index_dir, True, manifest)


def _embed(embedder: Embedder, chunks: list[Chunk], index_dir: Path, existing: dict[str, Any] | None) -> np.ndarray:
    """Embed chunks (passages as passages, questions as queries), reusing the vectors of unchanged
    chunks from the previous build of the same model.

    Editing one article, or changing only BM25 tokenisation, then costs seconds instead of minutes.
    """
    known: dict[tuple[bool, str], np.ndarray] = {}
    if existing and existing.get("model_hash") == embedder.fingerprint:
        try:
            import faiss

            old_index = faiss.read_index(str(index_dir / "vectors.faiss"))
            old_chunks = [Chunk(**c) for c in json.loads((index_dir / "chunks.json").read_text(encoding="utf-8"))]
            old_vectors = old_index.reconstruct_n(0, old_index.ntotal)
            known = {(c.is_question, c.passage): old_vectors[i] for i, c in enumerate(old_chunks)}
        except (OSError, ValueError, RuntimeError, TypeError, KeyError) as exc:
            log.warning("previous index unreadable, embedding everything: %s", exc)
    keys = [(c.is_question, c.passage) for c in chunks]
    todo = sorted({k for k in keys if k not in known})
    log.info("embedding %d of %d chunks (%d reused)", len(todo), len(keys), len(keys) - len(todo))
    for as_query, encode in ((False, embedder.encode_passages), (True, embedder.encode_queries)):
        texts = [text for is_question, text in todo if is_question == as_query]
        if texts:
            known.update(zip([(as_query, t) for t in texts], encode(texts), strict=True))
    return np.stack([known[k] for k in keys]).astype(np.float32)


def _dump(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, sort_keys=True), encoding="utf-8")
