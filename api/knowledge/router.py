"""Knowledge routes: GET /api/v1/knowledge/search (the stable contract) and article pages /kb/{lang}/{topic}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from api.auth.deps import require_roles
from api.auth.models import Role, User
from api.core.client import client_key
from api.core.client_limits import ClientLimited
from api.core.i18n import format_date
from api.core.lang_query import checked_lang
from api.core.site import site_nav
from api.deps import CatalogsDep, GuidanceDep, KnowledgeDep, PagesDep, SearchLimitDep
from api.knowledge.guidance import source_title
from api.knowledge.schemas import KnowledgeStats, SearchOut
from api.knowledge.search import KnowledgeUnavailable, hit_dict, reviewed_on
from knowledge_base.articles import article_titles
from knowledge_base.language import LANGUAGES
from knowledge_base.sources import PAGE_LIMIT, shown_sources

MAX_QUERY_CHARS = 5000
# Who reads what the bot could not answer: editors write the articles, advisors answer those questions
# in person, admins run the service. Evaluators (credential cases) have no use for user questions.
STATS_ROLES = (Role.EDITOR.value, Role.ADVISOR.value, Role.ADMIN.value)
StaffForStats = Annotated[User, Depends(require_roles(*STATS_ROLES))]

router = APIRouter(tags=["knowledge"])


# Said in /openapi.json: the index not loaded (KNOWLEDGE_ENABLED off, or not built yet) is a 503 by design.
UNAVAILABLE_DOC: dict[int | str, dict[str, Any]] = {503: {"description": "the knowledge index is not loaded"}}
SEARCH_DOC: dict[int | str, dict[str, Any]] = {
    **UNAVAILABLE_DOC,
    429: {"description": "too many searches from this client; Retry-After says when to try again"},
}


@router.get("/api/v1/knowledge/search", response_model=SearchOut, responses=SEARCH_DOC)
def search(
    request: Request,
    knowledge: KnowledgeDep,
    limit: SearchLimitDep,
    q: Annotated[str, Query(max_length=20_000)],
    lang: Annotated[str | None, Query(max_length=8)] = None,
    top: Annotated[int, Query(ge=1, le=20)] = 5,
) -> dict[str, Any]:
    try:
        limit.take(client_key(request.client.host if request.client else "unknown"))
    except ClientLimited as error:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail="too many searches; try again later",
            headers={"Retry-After": str(error.retry_after)},
        ) from None
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


@router.get("/api/v1/knowledge/stats", response_model=KnowledgeStats)
def knowledge_stats(_user: StaffForStats, guidance: GuidanceDep) -> KnowledgeStats:
    """Unanswered and down-voted questions by language and topic, behind the staff login."""
    return KnowledgeStats.model_validate(guidance.stats())


_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@router.get("/kb/{language}/{topic_id}", response_class=HTMLResponse, include_in_schema=False)
def article_page(
    request: Request,
    language: str,
    topic_id: str,
    knowledge: KnowledgeDep,
    catalogs: CatalogsDep,
    pages: PagesDep,
    guidance: GuidanceDep,
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
    shown = shown_sources(list(article.sources), limit=PAGE_LIMIT)
    titles = article_titles()
    page: HTMLResponse = pages.TemplateResponse(
        request,
        "article.html",
        {
            "language": language,
            "article": article,
            "body_html": _MARKDOWN.render(article.body),
            "reviewed": format_date(reviewed, language) if (reviewed := reviewed_on(article)) else "",
            # As in the chat's answer: "reviewed by a specialist" only when one reviewed exactly this text.
            "specialist": format_date(on, language) if (on := guidance.specialist_review(topic_id, language)) else "",
            "t": lambda key, **kw: catalogs.gettext(key, language, **kw),
            # Official sources first, by publisher; other sites only when there is none (labelled).
            "sources": [(source_title(s, catalogs, language), s.url) for s in shown]
            or [(url, url) for url in article.sources if url.startswith("/")],
            "official": any(s.official for s in shown) or not shown,
            "related": [
                (titles[(t, language)], f"/kb/{language}/{t}") for t in article.related if (t, language) in titles
            ],
            **site_nav(catalogs, language, f"/kb/{language}/{topic_id}", lambda code: f"/kb/{code}/{topic_id}"),
        },
    )
    return page
