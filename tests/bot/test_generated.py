"""The generated parts of the Rasa project (bot/scripts/generate.py) are current, and their
assumptions hold: the yes/no questions are the ones the api checks as yes/no."""

from __future__ import annotations

import importlib.util
from types import ModuleType

from api.chat_flows import checks
from api.chat_flows.slots import FORMS
from api.conversations.responses import read_domain
from api.core.config import REPO_ROOT


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bot_generate", REPO_ROOT / "bot" / "scripts" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATE = _generator()


def test_committed_files_are_current() -> None:
    """Fails after editing api/chat_flows/slots.py, knowledge_base/languages.py or a flow's own rules
    without `make bot-files`."""
    for path, text in GENERATE.outputs().items():
        assert path.read_text(encoding="utf-8") == text, f"{path.relative_to(REPO_ROOT)} is stale: run `make bot-files`"


def test_yes_no_questions_are_the_apis() -> None:
    # Consent is a yes/no question with its own stricter check (an explicit yes, never an emoji).
    yes_no = {slot for slot, check in checks.CHECKS.items() if check in (checks._yes_no, checks.fce_consent)}
    assert set(GENERATE.YES_NO_SLOTS) == yes_no


def test_every_asked_slot_is_declared_once() -> None:
    """A slot a flow file declares by hand is not generated again (Rasa would keep only one)."""
    declared: dict[str, int] = {}
    for path in sorted((REPO_ROOT / "bot" / "domain").glob("*.yml")):
        for name in read_domain(path).get("slots") or {}:
            declared[name] = declared.get(name, 0) + 1
    assert {name: n for name, n in declared.items() if n > 1} == {}
    assert {slot for slots in FORMS.values() for slot in slots} <= set(declared)


def test_every_form_has_its_ways_out() -> None:
    rules = {
        str(rule["rule"])
        for path in (REPO_ROOT / "bot" / "data" / "rules").glob("*.yml")
        for rule in read_domain(path).get("rules") or []
    }
    for form in FORMS:
        assert {f"stop {form}", f"a person during {form}", f"language changed during {form}"} <= rules, form
