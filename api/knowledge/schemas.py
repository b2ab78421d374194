"""Typed body of GET /api/v1/knowledge/stats: what the bot could not answer and what users voted down."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LanguageCounts(BaseModel):
    answers: int
    unanswered: int
    up: int
    down: int


class TopicCounts(BaseModel):
    language: str
    topic_id: str | None = Field(description="the best topic found; null when nothing matched")
    answers: int
    unanswered: int
    down: int


class FlaggedQuestion(BaseModel):
    question: str
    language: str
    topic_id: str | None
    reason: Literal["unanswered", "down_voted"]
    created_at: str


class KnowledgeStats(BaseModel):
    by_language: dict[str, LanguageCounts]
    by_topic: list[TopicCounts]
    flagged: list[FlaggedQuestion]


class SearchHit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic_id: str
    title: str
    score: float
    url: str
    snippet: str


class SearchOut(BaseModel):
    """GET /api/v1/knowledge/search: the best passages and whether the retriever is confident."""

    model_config = ConfigDict(extra="forbid")

    language: str
    confident: bool
    results: list[SearchHit]
