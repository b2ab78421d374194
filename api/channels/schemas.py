"""Response models of the channels' JSON answers: the webhooks' acknowledgement, and the console API
(/api/v1/advisor/alerts: failed deliveries)."""

from __future__ import annotations

from api.core.schemas import ResponseModel


class WebhookStoredOut(ResponseModel):
    """A webhook's 200: how many events were stored, and how many were redeliveries already stored."""

    stored: int
    duplicates: int


class AlertOut(ResponseModel):
    id: int
    channel: str
    conversation_id: str | None
    kind: str
    attempts: int
    error: str | None
    created_at: str
    acknowledged: bool


class AlertsOut(ResponseModel):
    alerts: list[AlertOut]


class AlertActionOut(AlertOut):
    """The alert after acknowledge or retry, with the send's status."""

    status: str
