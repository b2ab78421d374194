"""The knowledge base inside the api: loaded once, searched by the chat and by GET /api/v1/knowledge/search."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Protocol

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from knowledge_base.language import LANGUAGES

log = logging.getLogger(__name__)
MAX_QUERY_CHARS = 5000


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


def hit_dict(hit: Any) -> dict[str, Any]:
    return {
        "topic_id": hit.topic_id,
        "title": hit.title,
        "score": round(float(hit.score), 4),
        "url": hit.url,
        "snippet": hit.snippet,
    }


router = APIRouter(tags=["knowledge"])


def get_knowledge(request: Request) -> KnowledgeBase:
    knowledge: KnowledgeBase | None = request.app.state.knowledge
    if knowledge is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="knowledge base not configured")
    return knowledge


@router.get("/api/v1/knowledge/search")
def search(
    knowledge: Annotated[KnowledgeBase, Depends(get_knowledge)],
    q: Annotated[str, Query(max_length=20_000)],
    lang: Annotated[str | None, Query(max_length=8)] = None,
    top: Annotated[int, Query(ge=1, le=20)] = 5,
) -> dict[str, Any]:
    query = q.strip()
    if not query:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": ["query", "q"], "msg": "q must not be empty", "type": "value_error"}],
        )
    if lang is not None and lang not in LANGUAGES:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": ["query", "lang"], "msg": f"lang must be one of {', '.join(LANGUAGES)}", "type": "enum"}],
        )
    try:
        result = knowledge.retriever.search(query[:MAX_QUERY_CHARS], language=lang, top=top)
    except KnowledgeUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="knowledge index unavailable") from None
    return {"language": result.language, "results": [hit_dict(hit) for hit in result.results]}


_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@router.get("/kb/{language}/{topic_id}", response_class=HTMLResponse, include_in_schema=False)
def article_page(
    request: Request, language: str, topic_id: str, knowledge: Annotated[KnowledgeBase, Depends(get_knowledge)]
) -> HTMLResponse:
    """An article as a page: what the chat's source links open. Raw HTML in content is escaped."""
    if language not in LANGUAGES:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="unknown language")
    try:
        article = knowledge.retriever.get_article(topic_id, language)
    except KnowledgeUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="knowledge index unavailable") from None
    except KeyError:
        article = None
    if article is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="unknown topic")
    catalogs = request.app.state.catalogs
    pages = request.app.state.pages
    page: HTMLResponse = pages.TemplateResponse(
        request,
        "article.html",
        {
            "language": language,
            "article": article,
            "body_html": _MARKDOWN.render(article.body),
            "t": lambda key, **kw: catalogs.gettext(key, language, **kw),
        },
    )
    return page
