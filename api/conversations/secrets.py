"""Access codes in chat (issue #15, item 5): a code goes where it is needed and nowhere else.

Contract.
- Typed codes. When a person's message carries a code-shaped text where a code is expected (the bot
  has just asked for it, the message names a case reference, or it is written XXXX-XXXX-XXXX), the
  conversation stores the message with the code replaced by MASKED_CODE and Rasa receives the same
  masked text, so neither the history an advisor reads nor Rasa's tracker holds the code. The real
  value is parked here for that turn only (`TYPED`); the status check (`/internal/v1/flows/case-status`,
  called by the action server while the api waits for Rasa's answer to that very message) takes it.
  The chat form's checks accept the mask as "a code was given"; only the status check sees the code.
- Issued codes. When a chat application creates a case, the internal endpoint answers the action server
  with the code masked and parks the real one (`ISSUED`); the bot's reply is therefore rendered, kept in
  Rasa's tracker and stored in the conversation with the mask. The api puts the real code into what it
  delivers for that turn only: the widget's response, and the LINE/Telegram outbox rows, which mask it
  again once sent (api/channels/outgoing/outbox.py). The history shows it masked from then on, as the bot says.

Why a table and not memory: the action server calls back whichever api worker its HTTP request
reaches, not necessarily the one holding the turn. Rows are AES-GCM encrypted with a key derived from
ACTIONS_TOKEN (every api worker has it; nothing else stored does), deleted when the turn ends (the
router's `finally`) or when taken, and ignored after TTL_SECONDS whatever happens.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select

from api.conversations.models import TurnSecret
from api.core.clock import as_utc, utcnow
from api.core.logs import MASKED_PART
from api.db.session import Database

TYPED = "typed_code"
ISSUED = "issued_code"
TTL_SECONDS = 60
MASKED_CODE = "••••-••••-••••"

# An FCE access code as people type it (api/fce/access.py: 12 of ALPHABET, often in groups of four).
_CODE_CHAR = "[2-9A-HJ-NP-Za-hj-np-z]"
CODE = re.compile(rf"(?<![0-9A-Za-z]){_CODE_CHAR}{{4}}[-\s]?{_CODE_CHAR}{{4}}[-\s]?{_CODE_CHAR}{{4}}(?![0-9A-Za-z])")
# As the api shows it (XXXX-XXXX-XXXX, capitals): unmistakably a code wherever it appears.
SHOWN_CODE = re.compile(r"(?<![0-9A-Za-z])[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}(?![0-9A-Za-z])")
REFERENCE = re.compile(r"FCE\W*\d{4}\W*\d{1,8}", re.IGNORECASE)
# A one-time download link of the person's data export; its token is what must not be kept.
ONE_TIME_LINK = re.compile(r"(/privacy/download/)[A-Za-z0-9_-]+")
MASKED_LINK = MASKED_PART  # the same mask as the access log's (api/core/logs.py TOKEN_PATH)


def _codes(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """The matches of `pattern` that are not part of a case reference.

    A reference's eight digits are code characters when none is 0 or 1 (about one reference in five):
    "FCE-2026-23456789 ABCD-EFGH-JKMN" would otherwise read "23456789 ABCD" as the code."""
    # Blanked, not cut: the matches keep their places in `text`.
    blanked = REFERENCE.sub(lambda reference: "\0" * len(reference.group(0)), text)
    return list(pattern.finditer(blanked))


def find_access_code(text: str) -> str | None:
    """The access code written somewhere in a message ("FCE-2026-000123 code ABCD-EFGH-JKMN"), or None."""
    found = _codes(CODE, text)
    return text[found[0].start() : found[0].end()] if found else None


def mask(text: str, asked_for_code: bool) -> tuple[str, str | None]:
    """The message as stored and sent to Rasa, and the first code it carried (None: nothing masked).

    Loose matches (twelve letters, no dashes) count only where a code is expected, so a name or a word
    of twelve letters elsewhere is kept as typed; the shown form XXXX-XXXX-XXXX counts everywhere."""
    pattern = CODE if asked_for_code or REFERENCE.search(text) else SHOWN_CODE
    found = _codes(pattern, text)
    if not found:
        return text, None
    masked, end = [], 0
    for match in found:
        masked += [text[end : match.start()], MASKED_CODE]
        end = match.end()
    return "".join([*masked, text[end:]]), text[found[0].start() : found[0].end()]


def conceal_shown(text: str) -> str:
    """Every code in the form the api shows it, and every one-time link, masked (outbox rows once delivered)."""
    return conceal_links(SHOWN_CODE.sub(MASKED_CODE, text))


def conceal_links(text: str) -> str:
    """A one-time download link (api/privacy/chat.py) with its token masked: the conversation keeps
    this, and only the turn's answer carries the link itself, like a newly issued code."""
    return ONE_TIME_LINK.sub(r"\1" + MASKED_LINK, text) if "/privacy/download/" in text else text


class TurnSecrets:
    def __init__(self, db: Database, token: str) -> None:
        self.db = db
        # A secret every api worker shares (ACTIONS_TOKEN): the action server's call that takes the code can
        # reach any worker. Without it the internal endpoints refuse every call, so no other worker could
        # take a parked code anyway: a key of this process alone is enough.
        material = token.encode() if token else os.urandom(32)
        self._aead = AESGCM(hashlib.sha256(b"kakehashi turn secrets\x00" + material).digest())

    def park(self, conversation_id: str, kind: str, value: str, ttl_seconds: int = TTL_SECONDS) -> None:
        """Keep `value` sealed for this conversation; a credential pasted in the chat waits longer than a
        turn (`ttl_seconds`) for the person to press "Add to my application" (api/records/chat.py)."""
        now = utcnow()
        nonce = os.urandom(12)
        sealed = nonce + self._aead.encrypt(nonce, value.encode(), f"{conversation_id}/{kind}".encode())
        with self.db.session() as session:
            session.execute(delete(TurnSecret).where(TurnSecret.expires_at < now))
            session.execute(
                delete(TurnSecret).where(TurnSecret.conversation_id == conversation_id, TurnSecret.kind == kind)
            )
            session.add(
                TurnSecret(
                    conversation_id=conversation_id,
                    kind=kind,
                    sealed=sealed,
                    expires_at=now + timedelta(seconds=ttl_seconds),
                )
            )

    def take(self, conversation_id: str, kind: str) -> str | None:
        """The parked value, removed; None when there is none, it expired, or it cannot be decrypted."""
        with self.db.session() as session:
            row = session.scalar(
                select(TurnSecret).where(TurnSecret.conversation_id == conversation_id, TurnSecret.kind == kind)
            )
            if row is None:
                return None
            sealed, expires_at = bytes(row.sealed), row.expires_at
            session.delete(row)
        if as_utc(expires_at) < utcnow():
            return None
        try:
            value = self._aead.decrypt(sealed[:12], sealed[12:], f"{conversation_id}/{kind}".encode())
        except InvalidTag:
            return None
        return value.decode()

    def drop(self, conversation_id: str, kind: str) -> None:
        """End of the turn: what is still parked goes."""
        with self.db.session() as session:
            session.execute(
                delete(TurnSecret).where(TurnSecret.conversation_id == conversation_id, TurnSecret.kind == kind)
            )
