"""The knowledge base inside the api: the retriever, loaded once and shared by the chat and the search API."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)


class KnowledgeUnavailable(Exception):
    pass


class Retriever(Protocol):
    """What the api needs of knowledge_base.retriever.Retriever."""

    def search(self, query: str, language: str | None = None, top: int = 5) -> Any: ...

    def get_article(self, topic_id: str, language: str) -> Any: ...


class KnowledgeBase:
    """Holds the retriever. Loading takes seconds, so it happens on a thread while the api starts."""

    def __init__(self, index_dir: Path, loader: Callable[[Path], Retriever] | None = None) -> None:
        self.index_dir = index_dir
        self._loader = loader or _load_retriever
        self._retriever: Retriever | None = None
        self._error: str | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._load, name="knowledge-loader", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        try:
            self._retriever = self._loader(self.index_dir)
        except Exception as exc:  # noqa: BLE001 - reported by /healthz and logged once
            self._error = str(exc)
            log.error("knowledge index failed to load from %s: %s", self.index_dir, exc)

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def ready(self) -> bool:
        return self._retriever is not None

    @property
    def retriever(self) -> Retriever:
        if self._retriever is None:
            raise KnowledgeUnavailable(self._error or "index still loading")
        return self._retriever


def _load_retriever(index_dir: Path) -> Retriever:
    from knowledge_base.retriever import Retriever as IndexRetriever

    retriever: Retriever = IndexRetriever.load(index_dir)
    return retriever


def reviewed_on(article: Any) -> date | None:
    """An article's last-reviewed date, whether the index stores it as a date or as ISO text."""
    value = getattr(article, "last_reviewed", None)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def hit_dict(hit: Any) -> dict[str, Any]:
    return {
        "topic_id": hit.topic_id,
        "title": hit.title,
        "score": round(float(hit.score), 4),
        "url": hit.url,
        "snippet": hit.snippet,
    }
