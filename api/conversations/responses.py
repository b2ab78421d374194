"""Response templates: their shape (text key, buttons) is declared once, in bot/domain/ (Rasa's domain).

The domain holds catalog keys, never user-facing text; this module reads it so the api can render a
response in the conversation's language, for Rasa's NLG calls and for the api's own messages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from api.core.i18n import Catalogs


@dataclass(frozen=True)
class ButtonTemplate:
    title_key: str
    payload: str


@dataclass(frozen=True)
class ResponseTemplate:
    text_key: str
    buttons: tuple[ButtonTemplate, ...] = ()


@dataclass
class Reply:
    """One bot reply as channels and the widget receive it."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.buttons:
            out["buttons"] = self.buttons
        if self.sources:
            out["sources"] = self.sources
        return out


def read_domain(path: Path) -> dict[str, Any]:
    """The Rasa domain at `path`, a file or a folder of files merged the way Rasa merges them
    (lists joined, mappings combined): bot/domain/ is one file per flow."""
    files = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    merged: dict[str, Any] = {}
    for file in files:
        for key, value in (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, list):
                merged[key] = [*merged.get(key, []), *value]
            elif isinstance(value, dict):
                merged[key] = {**merged.get(key, {}), **value}
            else:
                merged[key] = value
    return merged


class ResponseTemplates:
    def __init__(self, domain_file: Path) -> None:
        domain = read_domain(domain_file)
        # Button payloads may only name intents the bot knows (see ConversationService).
        self.intents: frozenset[str] = frozenset(str(i) for i in domain.get("intents") or [])
        self.templates: dict[str, list[ResponseTemplate]] = {}
        for name, variants in (domain.get("responses") or {}).items():
            self.templates[name] = [
                ResponseTemplate(
                    text_key=str(variant["text"]),
                    buttons=tuple(
                        ButtonTemplate(str(b["title"]), str(b["payload"])) for b in variant.get("buttons") or []
                    ),
                )
                for variant in variants
            ]

    def names(self) -> list[str]:
        return sorted(self.templates)

    def catalog_keys(self) -> set[str]:
        """Every catalog key the domain refers to (texts and button titles)."""
        keys: set[str] = set()
        for variants in self.templates.values():
            for variant in variants:
                keys.add(variant.text_key)
                keys.update(b.title_key for b in variant.buttons)
        return keys

    def render(self, name: str, language: str, catalogs: Catalogs, **params: Any) -> Reply:
        variants = self.templates.get(name)
        if not variants:
            raise KeyError(name)
        # Several variants make the bot sound less canned; the choice needs no cryptographic quality.
        variant = variants[0] if len(variants) == 1 else random.choice(variants)  # noqa: S311
        return Reply(
            text=catalogs.gettext(variant.text_key, language, **params),
            buttons=[{"title": catalogs.gettext(b.title_key, language), "payload": b.payload} for b in variant.buttons],
        )
