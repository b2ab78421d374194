"""Talking to Telegram through the official SDK (python-telegram-bot v22)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from api.channels.outgoing.outbox import Delivery, SendError
from api.channels.telegram.settings import TelegramSettings

KIND_MESSAGE = "telegram_message"
KIND_CALLBACK_ANSWER = "telegram_callback_answer"


def make_bot(settings: TelegramSettings, timeout: float) -> Bot:
    return Bot(
        settings.telegram_bot_token,
        base_url=settings.telegram_api_base.rstrip("/") + "/bot",
        request=HTTPXRequest(connect_timeout=timeout, read_timeout=timeout, write_timeout=timeout),
    )


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _markup(raw: Any) -> InlineKeyboardMarkup | None:
    if not isinstance(raw, dict):
        return None
    rows = [
        [InlineKeyboardButton(str(b["text"]), callback_data=str(b["callback_data"])) for b in row]
        for row in raw.get("inline_keyboard") or []
    ]
    return InlineKeyboardMarkup(rows)


class TelegramSender:
    def __init__(self, settings: TelegramSettings, timeout: float) -> None:
        self.bot = make_bot(settings, timeout)

    async def send(self, delivery: Delivery) -> None:
        body = delivery.body
        try:
            if delivery.kind == KIND_CALLBACK_ANSWER:
                await self.bot.answer_callback_query(str(body["callback_query_id"]))
                return
            await self.bot.send_message(
                chat_id=int(delivery.destination),
                text=str(body["text"]),
                parse_mode=body.get("parse_mode"),
                reply_markup=_markup(body.get("reply_markup")),
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            raise SendError(
                "Telegram answered 429", retryable=True, retry_after=_seconds(exc.retry_after), status=429
            ) from None
        except NetworkError as exc:
            # 5xx, timeouts and connection failures: worth another try.
            raise SendError(f"Telegram unreachable or failing: {type(exc).__name__}", retryable=True) from None
        except TelegramError as exc:
            # 400, 403 (the user blocked the bot), 401/404 (bad token): retrying cannot help. Only the
            # class name: InvalidToken's message quotes the token.
            raise SendError(f"Telegram refused: {type(exc).__name__}", retryable=False) from None

    async def close(self) -> None:
        await self.bot.shutdown()
