"""Retention: the purge removes what the privacy notice says is no longer kept, from every store, and
nothing younger; a dry run counts the same and changes nothing; a real run is audited with counts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api import __main__ as cli
from api.auth.models import AuditEntry
from api.channels.models import ChannelEvent, OutboxMessage
from api.conversations.models import Conversation, Message, TurnSecret
from api.core import periodic
from api.core.config import Settings
from api.fce.feature import Fce
from api.fce.models import FceCase, FceDocument
from api.knowledge.models import Answer
from api.privacy.models import ExportLink
from api.privacy.service import PrivacyService
from api.records.models import RecordChatGrant
from tests.fce.conftest import create
from tests.privacy.conftest import Tracker
from tests.privacy.helpers import age_case, ago, db, line_conversation, upload


def _count(client: TestClient, table: Any) -> int:
    with db(client).session() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _setup(client: TestClient, tracker: Tracker) -> dict[str, Any]:
    old = line_conversation(client, "U-old", 400)
    recent = line_conversation(client, "U-new", 20)
    tracker.add(old, ago(400).timestamp())
    tracker.add(recent, ago(20).timestamp())
    closed_long_ago = create(client, email="old@example.com")
    upload(client, closed_long_ago)
    age_case(client, closed_long_ago["reference"], "closed", 6 * 365)
    closed_last_year = create(client, email="mid@example.com")
    upload(client, closed_last_year)
    age_case(client, closed_last_year["reference"], "closed", 400)
    open_case = create(client, email="open@example.com")
    upload(client, open_case)
    with db(client).session() as session:
        session.add(AuditEntry(action="old.thing", created_at=ago(3 * 365)))
    return {"old": old, "recent": recent, "gone": closed_long_ago, "mid": closed_last_year, "open": open_case}


def test_dry_run_counts_and_changes_nothing(
    client: TestClient, fce: Fce, privacy: PrivacyService, tracker: Tracker
) -> None:
    _setup(client, tracker)
    before = [_count(client, t) for t in (Conversation, Message, FceCase, FceDocument, ChannelEvent, AuditEntry)]
    files = sorted(fce.settings.documents_dir.iterdir())
    counts = privacy.purger.run(dry_run=True)
    assert counts["conversations"] == 1
    assert counts["messages"] == 1
    assert counts["answers"] == 1
    assert counts["channel_events"] == 1
    assert counts["outbox"] == 1
    assert counts["documents"] == 2  # the case closed six years ago and the one closed 400 days ago
    assert counts["fce_cases"] == 1
    assert counts["audit_entries"] == 1
    assert counts["rasa_tracker_events"] == 1
    after = [_count(client, t) for t in (Conversation, Message, FceCase, FceDocument, ChannelEvent, AuditEntry)]
    assert after == before
    assert sorted(fce.settings.documents_dir.iterdir()) == files
    assert len(tracker.senders()) == 2


def test_purge_removes_expired_rows_and_files_from_every_store(
    client: TestClient, fce: Fce, privacy: PrivacyService, tracker: Tracker
) -> None:
    made = _setup(client, tracker)
    counts = privacy.purger.run()
    assert counts["conversations"] == 1 and counts["fce_cases"] == 1 and counts["documents"] == 2
    with db(client).session() as session:
        assert list(session.scalars(select(Conversation.id))) == [made["recent"]]
        assert session.scalar(select(func.count()).select_from(Message)) == 1
        assert session.scalar(select(func.count()).select_from(Answer)) == 1
        assert list(session.scalars(select(ChannelEvent.payload))) == [
            {"source": {"type": "user", "userId": "U-new"}, "message": {"text": "my passport number"}}
        ]
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        references = set(session.scalars(select(FceCase.reference)))
        assert references == {made["mid"]["reference"], made["open"]["reference"]}
        # The case closed 400 days ago keeps its row but its document is gone; the open case keeps both.
        documents = list(session.scalars(select(FceDocument)))
        assert len(documents) == 1
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.purge")).one()
        assert entry.detail == {"counts": counts}
        assert session.scalar(select(func.count()).where(AuditEntry.action == "old.thing")) == 0
    assert [p.name for p in fce.settings.documents_dir.iterdir()] == [documents[0].storage_name]
    assert tracker.senders() == [made["recent"]]
    # Idempotent: a second run finds nothing more (only its own audit entry is new).
    again = privacy.purger.run()
    assert sum(again.values()) == 0


def test_expired_short_lived_secrets_go_and_live_ones_stay(client: TestClient, privacy: PrivacyService) -> None:
    """Turn secrets, chat share grants and chat export links are ignored once expired; the purge removes
    them (a crash between parking and taking one would leave it for good) and keeps the live ones."""
    conversation = line_conversation(client, "U-secrets", 1)
    references = [create(client, email=f"grant{i}@example.com")["reference"] for i in range(2)]
    with db(client).session() as session:
        case_ids = list(session.scalars(select(FceCase.id).where(FceCase.reference.in_(references))))
        for kind, expires in (("typed_code", ago(1)), ("issued_code", ago(-1))):
            session.add(TurnSecret(conversation_id=conversation, kind=kind, sealed=b"x", expires_at=expires))
        for case_id, hours in zip(case_ids, (2, -2), strict=True):
            session.add(RecordChatGrant(conversation_id=conversation, case_id=case_id, expires_at=ago(hours / 24)))
        for token, expires in (("a" * 64, ago(1)), ("b" * 64, ago(-1))):
            session.add(ExportLink(token_hash=token, conversation_id=conversation, language="en", expires_at=expires))
    assert privacy.purger.run(dry_run=True)["expired_secrets"] == 3
    assert privacy.purger.run()["expired_secrets"] == 3
    for table in (TurnSecret, RecordChatGrant, ExportLink):
        assert _count(client, table) == 1, table
    assert privacy.purger.run()["expired_secrets"] == 0


def test_conversation_of_an_open_case_is_kept(client: TestClient, fce: Fce, privacy: PrivacyService) -> None:
    conversation = line_conversation(client, "U-applicant", 400)
    case = create(client)
    with db(client).session() as session:
        session.get_one(FceCase, session.scalar(select(FceCase.id).where(FceCase.reference == case["reference"])))
        row = session.scalars(select(FceCase).where(FceCase.reference == case["reference"])).one()
        row.conversation_id = conversation
    assert privacy.purger.run()["conversations"] == 0
    assert _count(client, Conversation) == 1


def test_zero_days_keeps_forever(client: TestClient, fce: Fce, settings: Settings, tracker: Tracker) -> None:
    line_conversation(client, "U-old", 4000)
    forever = settings.model_copy(update={"retention_conversation_days": 0, "rasa_tracker_url": tracker.url})
    service = PrivacyService(db(client), forever, fce.settings.documents_dir)
    assert service.purger.run()["conversations"] == 0
    assert _count(client, Conversation) == 1


def test_purge_command_prints_counts_per_store(
    client: TestClient,
    fce: Fce,
    settings: Settings,
    tracker: Tracker,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    line_conversation(client, "U-old", 400)
    monkeypatch.setattr("api.privacy.cli.get_settings", lambda: settings.model_copy(update={"rasa_tracker_url": ""}))
    monkeypatch.setenv("FCE_DOCUMENTS_DIR", str(fce.settings.documents_dir))
    assert cli.main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would remove" in out and "conversations" in out and "rasa_tracker_events" in out
    assert " 1\n" in out.split("conversations", 1)[1].split("\n", 1)[0] + "\n"
    assert _count(client, Conversation) == 1
    assert cli.main(["purge"]) == 0
    assert _count(client, Conversation) == 0


def test_scheduled_purge_runs_on_its_interval(
    client: TestClient, fce: Fce, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The background task sleeps one interval, purges, and goes on after a failed run."""
    line_conversation(client, "U-old", 400)
    service = PrivacyService(db(client), settings.model_copy(update={"purge_interval_seconds": 3600}), Path("/nx"))
    slept: list[float] = []
    runs = 0
    real_run = service.purger.run

    def run(**kwargs: Any) -> dict[str, int]:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise RuntimeError("database away")
        return real_run(**kwargs)

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) > 2:
            raise asyncio.CancelledError

    monkeypatch.setattr(service.purger, "run", run)
    monkeypatch.setattr(periodic.asyncio, "sleep", sleep)

    async def scenario() -> None:
        service.start()
        task = service._schedule.task()
        assert task is not None
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(scenario())
    assert slept == [3600, 3600, 3600]
    assert runs == 2
    assert _count(client, Conversation) == 0


def test_interval_zero_starts_no_task(client: TestClient, settings: Settings) -> None:
    service = PrivacyService(db(client), settings, Path("/nx"))

    async def scenario() -> None:
        service.start()
        assert service._schedule.task() is None

    asyncio.run(scenario())
