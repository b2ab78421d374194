"""Talking to LINE through the official SDK (line-bot-sdk v3): replies, pushes, profiles."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
)

from api.channels.line.settings import LineSettings
from api.channels.outgoing.outbox import Delivery, SendError

log = logging.getLogger(__name__)


def _retry_after(exc: ApiException) -> float | None:
    headers = exc.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _send_error(exc: ApiException) -> SendError:
    status = int(exc.status or 0)
    retryable = status == 429 or status >= 500 or status == 0
    # Never the body: LINE echoes parts of the request, which may hold the user's text.
    return SendError(f"LINE answered {status}", retryable=retryable, retry_after=_retry_after(exc), status=status)


class LineSender:
    def __init__(self, settings: LineSettings, timeout: float) -> None:
        self.configuration = Configuration(
            host=settings.line_api_base.rstrip("/"), access_token=settings.line_channel_access_token
        )
        self.timeout = timeout
        self._client: AsyncApiClient | None = None

    def _api(self) -> AsyncMessagingApi:
        # Created on first use, inside the outbox worker's event loop, which owns its connections.
        if self._client is None:
            self._client = AsyncApiClient(self.configuration)
        return AsyncMessagingApi(self._client)

    async def send(self, delivery: Delivery) -> None:
        messages: list[dict[str, Any]] = list(delivery.body.get("messages") or [])
        api = self._api()
        try:
            if delivery.reply_token and delivery.reply_token_fresh:
                try:
                    await api.reply_message(
                        ReplyMessageRequest.from_dict({"replyToken": delivery.reply_token, "messages": messages}),
                        _request_timeout=self.timeout,
                    )
                    return
                except ApiException as exc:
                    if exc.status != 400:
                        raise
                    # 400 on a reply is most often a token that expired or was used: push instead.
                    log.info("LINE reply token refused; pushing delivery %s instead", delivery.id)
            await api.push_message(
                PushMessageRequest.from_dict({"to": delivery.destination, "messages": messages}),
                x_line_retry_key=delivery.retry_key,
                _request_timeout=self.timeout,
            )
        except ApiException as exc:
            if exc.status == 409:
                return  # LINE already accepted a request with this retry key: delivered once
            raise _send_error(exc) from None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise SendError(f"LINE unreachable: {type(exc).__name__}", retryable=True) from None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


class LineProfiles:
    """The user's language from their LINE profile, when LINE tells it (a blocking call, used by
    inbound workers only when a conversation is new)."""

    def __init__(self, settings: LineSettings, timeout: float) -> None:
        self.configuration = Configuration(
            host=settings.line_api_base.rstrip("/"), access_token=settings.line_channel_access_token
        )
        self.timeout = timeout

    def language(self, user_id: str) -> str | None:
        try:
            with ApiClient(self.configuration) as client:
                profile = MessagingApi(client).get_profile(user_id, _request_timeout=self.timeout)
        except Exception as exc:  # noqa: BLE001 - a missing profile only means no language hint
            log.warning("LINE profile lookup failed: %s", type(exc).__name__)
            return None
        language = getattr(profile, "language", None)
        return language if isinstance(language, str) else None
