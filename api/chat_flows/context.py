"""What every flow step needs: the conversation's language and channel, the catalogs, the FCE data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api.conversations.responses import Reply
from api.core.i18n import Catalogs
from api.fce.comparability import ComparabilityData

if TYPE_CHECKING:
    from api.advice.service import AdviceService

# LINE shows at most 13 quick replies (api/channels/line/render.py); the cancel button must survive.
BUTTON_LIMITS = {"line": 13}
STOP_PAYLOAD = "/stop"


@dataclass(frozen=True)
class Ctx:
    language: str
    channel: str
    catalogs: Catalogs
    data: ComparabilityData
    base_url: str = ""
    # The career-advice questions that read the person's request (its free session times).
    conversation_id: str = ""
    advice: AdviceService | None = None

    def t(self, key: str, **params: Any) -> str:
        return self.catalogs.gettext(key, self.language, **params)

    @property
    def button_limit(self) -> int | None:
        return BUTTON_LIMITS.get(self.channel)


def choice(slot: str, value: str, title: str) -> dict[str, str]:
    """A button that answers `slot`. The slot travels in the value, so a stale button from an earlier
    question is recognised as such instead of answering the current one."""
    entities = json.dumps({"value": f"{slot}:{value}"}, ensure_ascii=False)
    return {"title": title, "payload": f"/choose{entities}"}


def ask(ctx: Ctx, text: str, buttons: list[dict[str, str]] | None = None) -> Reply:
    """A question with its buttons and, always last, the way out."""
    options = list(buttons or [])
    limit = ctx.button_limit
    if limit is not None and len(options) >= limit:
        # Keep the last option (usually "Other") and leave room for Cancel.
        options = [*options[: limit - 2], options[-1]]
    options.append({"title": ctx.t("flow.button.cancel"), "payload": STOP_PAYLOAD})
    return Reply(text=text, buttons=options)
