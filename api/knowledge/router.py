"""Knowledge routes: GET /api/v1/knowledge/search (the stable contract) and article pages /kb/{lang}/{topic}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from api.core.i18n import format_date
from api.core.lang_query import checked_lang
from api.deps import CatalogsDep, KnowledgeDep, PagesDep
from api.knowledge.search import KnowledgeUnavailable, hit_dict, reviewed_on
from knowledge_base.language import LANGUAGES

MAX_QUERY_CHARS = 5000

router = APIRouter(tags=["knowledge"])


@router.get("/api/v1/knowledge/search")
def search(
    knowledge: KnowledgeDep,
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
    checked_lang(lang)
    try:
        result = knowledge.retriever.search(query[:MAX_QUERY_CHARS], language=lang, top=top)
    except KnowledgeUnavailable:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail="knowledge index unavailable") from None
    # `confident` is the retriever's decision that the chat's guidance also answers directly on.
    return {
        "language": result.language,
        "confident": bool(result.confident),
        "results": [hit_dict(hit) for hit in result.results],
    }


_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@router.get("/kb/{language}/{topic_id}", response_class=HTMLResponse, include_in_schema=False)
def article_page(
    request: Request,
    language: str,
    topic_id: str,
    knowledge: KnowledgeDep,
    catalogs: CatalogsDep,
    pages: PagesDep,
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
    page: HTMLResponse = pages.TemplateResponse(
        request,
        "article.html",
        {
            "language": language,
            "article": article,
            "body_html": _MARKDOWN.render(article.body),
            "reviewed": format_date(reviewed, language) if (reviewed := reviewed_on(article)) else "",
            "t": lambda key, **kw: catalogs.gettext(key, language, **kw),
        },
    )
    return page
