"""Console pages for specialists: /console/reviews (the queue by language, with status), one article beside
its English source with what changed since the translation, and /console/knowledge (the questions the
bot could not answer or that users voted down, by language and topic: what to write next).

Server-rendered like the rest of the console; reviews.js sends "mark reviewed" to the JSON API with
the session's CSRF token. The ?lang= parameter is the console's own language, as on every page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markdown_it import MarkdownIt

from api.advisors.console import Console, ConsoleDep, _language, _render, _user
from api.auth.models import Role, User
from api.deps import GuidanceDep, ReviewsDep
from api.reviews.editor_api import counts
from api.reviews.service import REVIEWER_ROLES, STATUSES, NotFound
from knowledge_base.languages import LANGUAGES, REGISTRY

router = APIRouter(prefix="/console", include_in_schema=False)
Lang = Annotated[str | None, Query(max_length=8)]
STATS_ROLES = (Role.EDITOR.value, Role.ADVISOR.value, Role.ADMIN.value)
_MARKDOWN = MarkdownIt("commonmark", {"html": False})
NAMES = {language.code: language.native_name for language in REGISTRY}


def _staff(env: Console, roles: tuple[str, ...]) -> User | Response:
    """The logged-in user with one of `roles`, a redirect to the login page, or 403 for other staff."""
    user = _user(env, roles)
    if user is not None:
        return user
    if _user(env, tuple(role.value for role in Role)) is not None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="your role may not see this page")
    return RedirectResponse("/console/login", status_code=303)


@router.get("/reviews", response_class=HTMLResponse)
def reviews_page(
    env: ConsoleDep,
    reviews: ReviewsDep,
    lang: Lang = None,
    language: Annotated[str, Query(max_length=8)] = "",
    status_: Annotated[str, Query(alias="status", max_length=24)] = "",
) -> Response:
    user = _staff(env, REVIEWER_ROLES)
    if not isinstance(user, User):
        return user
    ui = _language(env, lang, user)
    if language and language not in LANGUAGES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="language: unknown language")
    if status_ and status_ not in STATUSES:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail="status: unknown status")
    # The editor's own languages first: that is the work they can do.
    mine = [code for code in LANGUAGES if code in (user.languages or [])]
    order = mine + [code for code in LANGUAGES if code not in mine]
    states = reviews.queue(language or None, status_ or None)
    groups = [(code, [s for s in states if s.language == code]) for code in order if not language or code == language]
    return _render(
        env,
        "reviews.html",
        ui,
        {
            "user": user,
            "groups": groups,
            "counts": counts(reviews),
            "statuses": STATUSES,
            "overdue": reviews.overdue_count(),
            "overdue_items": reviews.overdue(),
            "filter_language": language,
            "filter_status": status_,
            "names": NAMES,
        },
    )


@router.get("/reviews/{language}/{topic_id}", response_class=HTMLResponse)
def review_page(env: ConsoleDep, reviews: ReviewsDep, language: str, topic_id: str, lang: Lang = None) -> Response:
    user = _staff(env, REVIEWER_ROLES)
    if not isinstance(user, User):
        return user
    if language not in LANGUAGES or len(topic_id) > 64:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such article")
    try:
        detail = reviews.detail(language, topic_id)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such article") from None
    may_review = user.role == Role.ADMIN.value or language in (user.languages or [])
    return _render(
        env,
        "review.html",
        _language(env, lang, user),
        {
            "user": user,
            "detail": detail,
            "state": detail.state,
            "article_html": _MARKDOWN.render(detail.article.body),
            "source_html": _MARKDOWN.render(detail.source.body),
            "may_review": may_review,
            "names": NAMES,
        },
    )


@router.get("/knowledge", response_class=HTMLResponse)
def knowledge_page(env: ConsoleDep, guidance: GuidanceDep, lang: Lang = None) -> Response:
    user = _staff(env, STATS_ROLES)
    if not isinstance(user, User):
        return user
    return _render(
        env, "knowledge.html", _language(env, lang, user), {"user": user, "stats": guidance.stats(), "names": NAMES}
    )
