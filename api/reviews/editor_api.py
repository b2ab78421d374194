"""/api/v1/editor/reviews: the review queue, one article with its English source, and "mark reviewed".

Editors and admins (bearer token, or the console cookie + X-CSRF-Token for changes); 401 without a
login, 403 for other roles. An editor marks reviewed only in the languages of their account.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status

from api.auth.deps import require_roles
from api.auth.models import User
from api.deps import ReviewsDep
from api.reviews.schemas import MarkReviewed, ReviewDetail, ReviewItem, ReviewQueue, Status, item
from api.reviews.service import REVIEWER_ROLES, STATUSES, Conflict, Forbidden, NotFound, ReviewService
from knowledge_base.languages import LANGUAGES
from knowledge_base.translations import source_text

router = APIRouter(prefix="/api/v1/editor/reviews", tags=["reviews"])
Editor = Annotated[User, Depends(require_roles(*REVIEWER_ROLES))]
LanguagePath = Annotated[str, Path(max_length=8)]
TopicPath = Annotated[str, Path(max_length=64)]


def _language(value: str | None, where: list[str]) -> str | None:
    if value is not None and value not in LANGUAGES:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": where, "msg": f"must be one of {', '.join(LANGUAGES)}", "type": "value_error"}],
        )
    return value


def counts(reviews: ReviewService) -> dict[str, dict[str, int]]:
    table = {lang: dict.fromkeys(STATUSES, 0) for lang in LANGUAGES}
    for state in reviews.queue():
        table.setdefault(state.language, dict.fromkeys(STATUSES, 0))[state.status] += 1
    return table


@router.get("", response_model=ReviewQueue)
def review_queue(
    _user: Editor,
    reviews: ReviewsDep,
    lang: Annotated[str | None, Query(max_length=8)] = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
) -> ReviewQueue:
    language = _language(lang, ["query", "lang"])
    return ReviewQueue(
        counts=counts(reviews),
        overdue=reviews.overdue_count(),
        items=[item(state) for state in reviews.queue(language, status_)],
    )


@router.get("/{language}/{topic_id}", response_model=ReviewDetail)
def review_detail(_user: Editor, reviews: ReviewsDep, language: LanguagePath, topic_id: TopicPath) -> ReviewDetail:
    _language(language, ["path", "language"])
    try:
        detail = reviews.detail(language, topic_id)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such article") from None
    return ReviewDetail(
        **item(detail.state).model_dump(),
        text=source_text(detail.article),
        source_text=source_text(detail.source),
        diff=list(detail.diff),
        diff_known=detail.diff_known,
    )


@router.post(
    "/{language}/{topic_id}",
    response_model=ReviewItem,
    responses={200: {"description": "already reviewed: nothing added"}, 201: {"description": "review recorded"}},
    status_code=status.HTTP_201_CREATED,
)
def mark_reviewed(
    user: Editor,
    reviews: ReviewsDep,
    body: MarkReviewed,
    response: Response,
    language: LanguagePath,
    topic_id: TopicPath,
) -> ReviewItem:
    _language(language, ["path", "language"])
    try:
        state, added = reviews.mark_reviewed(user, language, topic_id, body.source_hash, body.content_hash)
    except NotFound:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="no such article") from None
    except Forbidden as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(exc)) from None
    except Conflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(exc)) from None
    if not added:
        response.status_code = status.HTTP_200_OK
    return item(state)
