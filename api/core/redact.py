"""Secrets never reach the logs, whoever logs them.

Libraries log what they see: httpx logs every request URL at INFO, and Telegram's Bot API puts the
bot token in the URL (https://api.telegram.org/bot<token>/sendMessage); python-telegram-bot quotes a
rejected token in its exception message. A log record factory replaces every configured secret in
the finished message, for every logger, before any handler formats it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

MASK = "[redacted]"
# Short values would mask ordinary words; real tokens and secrets are long.
MIN_SECRET_LENGTH = 8

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def install(secrets: Iterable[str]) -> None:
    """Add `secrets` to the redacted set and install the record factory once per process."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH)
        if _installed or not _secrets:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if _secrets:
                message = record.getMessage()
                cleaned = redact(message)
                if cleaned != message:
                    record.msg, record.args = cleaned, None
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
