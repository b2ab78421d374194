"""Fake LINE and Telegram API servers on loopback: they record every request and answer from a script.

The SDKs talk to them over real HTTP (LINE_API_BASE / TELEGRAM_API_BASE), so tests see exactly what
Kakehashi sends: which endpoint, which headers, which body.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float = 0.0  # time.monotonic() when it arrived (the bench measures webhook → send)


class FakePlatform:
    def __init__(self, port: int = 0) -> None:
        self.requests: list[Recorded] = []
        # path pattern -> scripted (status, headers, body) answers, used once each, in order.
        self.scripts: dict[str, list[tuple[int, dict[str, str], Any]]] = defaultdict(list)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body: Any
                ctype = self.headers.get("Content-Type") or ""
                if "json" in ctype and raw:
                    body = json.loads(raw)
                elif raw:
                    from urllib.parse import parse_qs

                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    body = None
                record = Recorded(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()
                )
                status, headers, answer = fake.answer(record)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def script(self, pattern: str, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        self.scripts[pattern].append((status, headers or {}, body if body is not None else {}))

    def answer(self, record: Recorded) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            self.requests.append(record)
            for pattern, answers in self.scripts.items():
                if answers and re.search(pattern, record.path):
                    return answers.pop(0)
            # Under the lock: a platform's own check of a repeated key is atomic too.
            return self.default(record)

    def default(self, record: Recorded) -> tuple[int, dict[str, str], Any]:
        return 200, {}, {}

    def calls(self, pattern: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if re.search(pattern, r.path)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeLine(FakePlatform):
    """LINE's Messaging API as far as Kakehashi uses it, including its two refusals of a repeat: a reply
    token works once (then 400 "Invalid reply token"), and a push whose X-Line-Retry-Key was already
    accepted answers 409 and is not delivered again. `delivered` holds what a user would see."""

    def __init__(self, profile_language: str | None = "en", port: int = 0) -> None:
        self.profile_language = profile_language
        self.used_reply_tokens: set[str] = set()
        self.accepted_retry_keys: set[str] = set()
        self.refused_repeats = 0
        # (destination or reply token, the message texts) of every accepted send, in arrival order.
        self.delivered: list[tuple[str, list[str]]] = []
        self.accepted: list[Recorded] = []  # the reply and push requests LINE accepted, whole
        super().__init__(port)

    def default(self, record: Recorded) -> tuple[int, dict[str, str], Any]:
        if record.path.startswith("/v2/bot/profile/"):
            profile: dict[str, Any] = {"userId": record.path.rsplit("/", 1)[-1], "displayName": "Test User"}
            if self.profile_language:
                profile["language"] = self.profile_language
            return 200, {}, profile
        if record.path in ("/v2/bot/message/reply", "/v2/bot/message/push"):
            body = record.body or {}
            messages = body.get("messages") or []
            if record.path.endswith("/reply"):
                token = str(body.get("replyToken"))
                if token in self.used_reply_tokens:
                    self.refused_repeats += 1
                    return 400, {}, {"message": "Invalid reply token"}
                self.used_reply_tokens.add(token)
                to = token
            else:
                key = record.headers.get("x-line-retry-key")
                if key and key in self.accepted_retry_keys:
                    self.refused_repeats += 1
                    return 409, {}, {"message": "The retry key is already accepted", "sentMessages": []}
                if key:
                    self.accepted_retry_keys.add(key)
                to = str(body.get("to"))
            self.delivered.append((to, [str(m.get("text", "")) for m in messages]))
            self.accepted.append(record)
            return 200, {}, {"sentMessages": [{"id": str(i), "quoteToken": "q"} for i in range(len(messages))]}
        return 404, {}, {"message": "Not found"}

    def first_reply_at(self) -> dict[str, float]:
        """When each reply token was first used (time.monotonic()), for webhook -> reply latency."""
        with self._lock:
            out: dict[str, float] = {}
            for record in self.requests:
                token = (record.body or {}).get("replyToken") if record.path.endswith("/reply") else None
                if token and token not in out:
                    out[str(token)] = record.at
            return out

    def sent_texts(self) -> list[str]:
        """The texts LINE accepted (a refused repeat is not something the user saw)."""
        with self._lock:
            return [text for _, texts in self.delivered for text in texts]


class FakeTelegram(FakePlatform):
    def __init__(self, port: int = 0) -> None:
        self._next_id = 1
        # (chat id, [text]) of every accepted sendMessage, in arrival order (Telegram has no retry key:
        # a repeat is delivered again, which is what the failure bench counts).
        self.delivered: list[tuple[str, list[str]]] = []
        super().__init__(port)

    def default(self, record: Recorded) -> tuple[int, dict[str, str], Any]:
        method = record.path.rsplit("/", 1)[-1]
        body = record.body or {}
        if method == "sendMessage":
            self._next_id += 1
            chat_id = int(body.get("chat_id", 0))
            self.delivered.append((str(chat_id), [str(body.get("text", ""))]))
            return (
                200,
                {},
                {
                    "ok": True,
                    "result": {
                        "message_id": self._next_id,
                        "date": 1_800_000_000,
                        "chat": {"id": chat_id, "type": "private"},
                        "text": body.get("text", ""),
                    },
                },
            )
        if method in ("answerCallbackQuery", "setWebhook", "deleteWebhook"):
            return 200, {}, {"ok": True, "result": True}
        if method == "getWebhookInfo":
            return (
                200,
                {},
                {"ok": True, "result": {"url": "", "has_custom_certificate": False, "pending_update_count": 0}},
            )
        return 404, {}, {"ok": False, "error_code": 404, "description": "Not Found"}

    def sent(self) -> list[dict[str, Any]]:
        """sendMessage bodies; PTB form-encodes them with JSON values for nested objects."""
        out = []
        for record in self.calls(r"/sendMessage$"):
            body = dict(record.body or {})
            for key in ("reply_markup", "link_preview_options"):
                if isinstance(body.get(key), str):
                    body[key] = json.loads(body[key])
            out.append(body)
        return out
