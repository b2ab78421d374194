"""Typed bodies of the review API (/api/v1/editor/reviews)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from api.reviews.service import Review, State

Status = Literal["drafted", "machine_translated", "reviewed"]
HEX16 = r"^[0-9a-f]{16}$"


class ReviewOut(BaseModel):
    reviewed_by: str | None = Field(description="the specialist's name; null for a review recorded in the files")
    reviewed_at: dt.datetime | None
    reviewed_on: dt.date
    source_hash: str
    content_hash: str


class ReviewItem(BaseModel):
    topic_id: str
    language: str
    title: str
    status: Status
    source_hash: str
    content_hash: str
    translated_from: str
    source_changed: bool
    review: ReviewOut | None
    last_review: ReviewOut | None
    as_of: str
    review_due: str
    url: str


class ReviewQueue(BaseModel):
    counts: dict[str, dict[str, int]] = Field(description="language -> status -> number of articles")
    overdue: int = Field(description="articles and rule files past their review_due today")
    items: list[ReviewItem]


class ReviewDetail(ReviewItem):
    text: str = Field(description="the article as reviewed: title, summary and body")
    source_text: str = Field(description="the English source now")
    diff: list[str] = Field(description="unified diff of the English text since the translation or last review")
    diff_known: bool


class MarkReviewed(BaseModel):
    source_hash: str = Field(pattern=HEX16, description="the English revision the reviewer saw")
    content_hash: str = Field(pattern=HEX16, description="the article revision the reviewer saw")


def review_out(review: Review | None) -> ReviewOut | None:
    if review is None:
        return None
    return ReviewOut(
        reviewed_by=review.reviewer,
        reviewed_at=review.reviewed_at,
        reviewed_on=review.reviewed_on,
        source_hash=review.source_hash,
        content_hash=review.content_hash,
    )


def item(state: State) -> ReviewItem:
    return ReviewItem(
        topic_id=state.topic_id,
        language=state.language,
        title=state.title,
        status=state.status,  # type: ignore[arg-type]
        source_hash=state.source_hash,
        content_hash=state.content_hash,
        translated_from=state.translated_from,
        source_changed=state.source_changed,
        review=review_out(state.review),
        last_review=review_out(state.last_review),
        as_of=state.as_of,
        review_due=state.review_due,
        url=f"/kb/{state.language}/{state.topic_id}",
    )
