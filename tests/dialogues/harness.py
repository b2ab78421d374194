"""Plays a written dialogue (tests/dialogues/<lang>/<flow>.yml) against the widget API.

A dialogue says what a person types, not when: `answers` maps each question (a form's slot) to what
the person types when asked, first try first; when the bot asks the same question again (a re-ask)
the next try is typed. The harness recognises the question by its catalog text, so a form that
already knows an answer (pre-filled from the first message) simply skips it, and the turn count
shows it. Each dialogue ends with an outcome the bot must reach: a case created with the given
fields, a points total, statuses listed, a case's status shown. Every turn is checked: the
conversation keeps its language, the bot answers, a question always carries the Cancel button, and a
conversation handed to a person always offers a way back.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from api.core.i18n import Catalogs

DIALOGUES = Path(__file__).parent
LANGUAGES = ("ja", "en", "vi", "ne", "pt")
FLOWS = ("fce", "case_status", "points", "self_check")
MAX_TURNS = 45
MAX_TRIES = 3  # re-asks of one question before the dialogue counts as stuck
STOP_PAYLOAD = "/stop"
_PLACEHOLDER = re.compile(r"\\\{[a-z_]+\\\}")


def load(language: str, flow: str) -> list[dict[str, Any]]:
    path = DIALOGUES / language / f"{flow}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return list((data or {}).get("dialogues") or [])


def all_dialogues() -> list[tuple[str, str, dict[str, Any]]]:
    return [(lang, flow, d) for lang in LANGUAGES for flow in FLOWS for d in load(lang, flow)]


def _template(text: str) -> re.Pattern[str]:
    """A catalog text with {placeholders} as a pattern matching any rendering of it."""
    return re.compile(_PLACEHOLDER.sub("(.*?)", re.escape(text.strip())), re.DOTALL)


@dataclass
class Texts:
    """The catalog texts the harness recognises, in one language."""

    asks: list[tuple[str, re.Pattern[str]]]
    offer: str
    submitted: list[re.Pattern[str]]
    points_total: re.Pattern[str]
    pathway_intro: str
    case_status: re.Pattern[str]
    status_names: dict[str, str]

    @classmethod
    def of(cls, catalogs: Catalogs, language: str) -> Texts:
        keys = sorted(k for k in catalogs.keys(language) if k.startswith("flow.ask."))
        asks = [(k.removeprefix("flow.ask."), _template(catalogs.gettext(k, language))) for k in keys]
        names = {
            k.removeprefix("pathways.status."): catalogs.gettext(k, language)
            for k in catalogs.keys(language)
            if k.startswith("pathways.status.") and k.count(".") == 2
        }
        return cls(
            asks=asks,
            offer=catalogs.gettext("flow.fce.offer", language).strip(),
            submitted=[
                _template(catalogs.gettext(key, language))
                for key in ("utter_fce_submitted", "utter_fce_submitted_interview")
            ],
            points_total=_template(catalogs.gettext("flow.points.total", language)),
            pathway_intro=catalogs.gettext("flow.pathway.intro", language).strip(),
            case_status=_template(catalogs.gettext("flow.case.status", language)),
            status_names=names,
        )

    def asked(self, text: str, wanted: dict[str, Any]) -> str | None:
        """The slot a reply asks for; of two questions with the same text, the one the dialogue answers."""
        found = [slot for slot, pattern in self.asks if pattern.fullmatch(text.strip())]
        if not found:
            # A re-ask puts its reason first and the question after it.
            found = [slot for slot, pattern in self.asks if pattern.search(text.strip())]
        preferred = [slot for slot in found if slot in wanted]
        return (preferred or found or [None])[0]


@dataclass
class Run:
    id: str
    language: str
    flow: str
    turns: int = 0
    reasks: int = 0
    completed: bool = False
    problems: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "language": self.language,
            "flow": self.flow,
            "turns": self.turns,
            "reasks": self.reasks,
            "completed": self.completed and not self.problems,
            "problems": self.problems,
        }


class Player:
    def __init__(self, client: httpx.Client, catalogs: Catalogs, database: Path | None) -> None:
        self.client = client
        self.catalogs = catalogs
        self.database = database
        self.texts = {language: Texts.of(catalogs, language) for language in LANGUAGES}
        # One case per language: the public API limits how many cases one address opens.
        self.cases: dict[str, tuple[str, str]] = {}

    # -- the person's side -----------------------------------------------------------------------

    def _new(self, dialogue: dict[str, Any]) -> tuple[str, dict[str, str]]:
        body = {k: v for k, v in (dialogue.get("widget") or {}).items() if k in ("locale", "browser_locale")}
        created = self.client.post("/api/v1/widget/conversations", json=body)
        created.raise_for_status()
        data = created.json()
        return data["conversation_id"], {"Authorization": f"Bearer {data['token']}"}

    def _case(self, language: str) -> tuple[str, str]:
        """A case to ask about, opened through the public API as the web form would (once per language)."""
        if language in self.cases:
            return self.cases[language]
        body = {
            "email": "e2e@example.org",
            "name": "Dialogue Tester",
            "preferred_language": language,
            "residence_country": "JP",
            "purpose": "employment",
            "credentials": [
                {
                    "country": "VN",
                    "credential_id": "vn_bachelor",
                    "institution": "Hanoi University",
                    "field_of_study": "IT",
                    "start_year": 2015,
                    "end_year": 2019,
                    "language_of_instruction": "Vietnamese",
                }
            ],
            "documents": "all",
            "consent": True,
        }
        created = self.client.post("/api/v1/fce/cases", json=body)
        created.raise_for_status()
        data = created.json()
        self.cases[language] = data["reference"], data["access_code"]
        return self.cases[language]

    def play(self, language: str, flow: str, dialogue: dict[str, Any]) -> Run:
        run = Run(str(dialogue["id"]), language, flow)
        texts = self.texts[language]
        conversation_id, headers = self._new(dialogue)
        url = f"/api/v1/widget/conversations/{conversation_id}/messages"
        fill: dict[str, str] = {}
        if flow == "case_status":
            fill["reference"], fill["code"] = self._case(language)
        written = dict(dialogue.get("answers") or {})
        answers = {slot: tries if isinstance(tries, list) else [tries] for slot, tries in written.items()}
        detours: dict[str, str] = dict(dialogue.get("detours") or {})
        tries: dict[str, int] = {}
        expect: dict[str, Any] = dict(dialogue.get("expect") or {})
        pending = [str(m) for m in dialogue.get("opening") or []]
        last: dict[str, Any] | None = None
        while run.turns < MAX_TURNS:
            if pending:
                message: dict[str, str] = {"text": pending.pop(0).format(**fill)}
            else:
                assert last is not None
                if self._outcome(run, texts, last, expect, conversation_id):
                    break
                chosen = self._next(run, texts, last, answers, detours, tries, fill)
                if chosen is None:
                    break
                message = chosen
            run.transcript.append(f"> {message['text']}")
            response = self.client.post(url, json=message, headers=headers)
            run.turns += 1
            if response.status_code != 200:
                run.problems.append(f"turn {run.turns}: HTTP {response.status_code}")
                break
            last = response.json()
            self._each_turn(run, texts, last, language, answers)
        else:
            run.problems.append("no outcome within the turn limit")
        return run

    def _next(
        self,
        run: Run,
        texts: Texts,
        last: dict[str, Any],
        answers: dict[str, list[Any]],
        detours: dict[str, str],
        tries: dict[str, int],
        fill: dict[str, str],
    ) -> dict[str, str] | None:
        replies = last.get("replies") or []
        slot = None
        for reply in reversed(replies):
            slot = texts.asked(str(reply.get("text") or ""), answers)
            if slot:
                break
        if slot is None and any(str(r.get("text") or "").strip() == texts.offer for r in replies):
            slot = "apply"
        if slot is None:
            run.problems.append(f"turn {run.turns}: no question recognised: {self._last_text(last)!r}")
            return None
        if slot in detours:
            return {"text": detours.pop(slot)}
        if slot not in answers:
            run.problems.append(f"turn {run.turns}: the bot asked {slot}, which the dialogue does not expect")
            return None
        count = tries.get(slot, 0)
        if count:
            run.reasks += 1
        if count >= MAX_TRIES:
            run.problems.append(f"turn {run.turns}: {slot} asked {count + 1} times")
            return None
        tries[slot] = count + 1
        options = answers[slot]
        answer = options[min(count, len(options) - 1)]
        if isinstance(answer, dict) and "press" in answer:
            return self._press(run, replies, slot, str(answer["press"]))
        return {"text": str(answer).format(**fill)}

    @staticmethod
    def _press(run: Run, replies: list[dict[str, Any]], slot: str, value: str) -> dict[str, str] | None:
        for reply in replies:
            for button in reply.get("buttons") or []:
                payload = str(button.get("payload") or "")
                if f'"{slot}:{value}"' in payload or (slot == "apply" and payload == value):
                    return {"text": str(button.get("title")), "payload": payload}
        run.problems.append(f"turn {run.turns}: no button {slot}:{value}")
        return None

    @staticmethod
    def _last_text(last: dict[str, Any]) -> str:
        replies = last.get("replies") or []
        return str(replies[-1].get("text") or "")[:160] if replies else ""

    def _each_turn(
        self, run: Run, texts: Texts, last: dict[str, Any], language: str, answers: dict[str, list[Any]]
    ) -> None:
        replies = last.get("replies") or []
        for reply in replies:
            run.transcript.append(f"< {str(reply.get('text') or '')[:200]}")
        if last.get("language") != language:
            run.problems.append(f"turn {run.turns}: language became {last.get('language')}")
        if not replies:
            run.problems.append(f"turn {run.turns}: no reply")
            return
        payloads = [str(b.get("payload") or "") for r in replies for b in r.get("buttons") or []]
        if last.get("state") not in (None, "bot") and not payloads:
            run.problems.append(f"turn {run.turns}: handed to a person with no way back")
        for reply in replies:
            slot = texts.asked(str(reply.get("text") or ""), answers)
            buttons = [str(b.get("payload") or "") for b in reply.get("buttons") or []]
            if slot and STOP_PAYLOAD not in buttons:
                run.problems.append(f"turn {run.turns}: question {slot} without a way out")

    # -- outcomes --------------------------------------------------------------------------------

    def _outcome(self, run: Run, texts: Texts, last: dict[str, Any], expect: dict[str, Any], conversation: str) -> bool:
        """True once the expected outcome was shown (checked), or once a wrong one was."""
        text = "\n".join(str(r.get("text") or "") for r in last.get("replies") or [])
        if "case" in expect:
            for pattern in texts.submitted:
                match = pattern.search(text)
                if match:
                    self._check_case(run, expect["case"], text)
                    run.completed = True
                    return True
        if "points_total" in expect:
            match = texts.points_total.search(text)
            if match:
                total = int(re.sub(r"\D", "", match.group(1)) or -1)
                if total != int(expect["points_total"]):
                    run.problems.append(f"points total {total}, expected {expect['points_total']}")
                run.completed = True
                return True
        if "fits" in expect and texts.pathway_intro in text:
            for status in expect["fits"]:
                name = texts.status_names.get(status, status)
                if name not in text:
                    run.problems.append(f"status {status} ({name}) not listed")
            run.completed = True
            return True
        if "case_status" in expect:
            match = texts.case_status.search(text)
            if match:
                run.completed = True
                return True
        return False

    def _check_case(self, run: Run, fields: dict[str, Any], text: str) -> None:
        reference = re.search(r"FCE-\d{4}-(?:\d{8}|\d{6})", text)
        if reference is None:
            run.problems.append("no reference in the confirmation")
            return
        if self.database is None or not fields:
            return
        with sqlite3.connect(self.database) as db:
            db.row_factory = sqlite3.Row
            row = db.execute(
                "SELECT c.*, r.country, r.credential_id, r.credential_name, r.institution, r.field_of_study,"
                " r.start_year, r.end_year, r.language_of_instruction FROM fce_cases c"
                " JOIN fce_credentials r ON r.case_id = c.id WHERE c.reference = ?",
                (reference.group(0),),
            ).fetchone()
        if row is None:
            run.problems.append(f"case {reference.group(0)} not in the database")
            return
        for name, wanted in fields.items():
            if row[name] != wanted:
                run.problems.append(f"case {name}={row[name]!r}, expected {wanted!r}")
