"""'Send me my data' and 'delete my data' in the widget chat, in each of the five languages (issue #15
item 2's done-when), and what must not happen: a yes nobody asked for, a link used twice, a half
erasure, message text or tokens in the INFO log."""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from api.auth.models import AuditEntry
from api.conversations.models import Conversation, ConversationState, Message
from api.core.clock import utcnow
from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from api.fce.feature import Fce
from api.fce.models import FceCase
from api.privacy.downloads import LinkGone
from api.privacy.models import ExportLink
from api.privacy.tracker import TrackerStore
from knowledge_base.language import LANGUAGES
from tests.api.conftest import FakeRasa
from tests.fce.conftest import create
from tests.privacy.conftest import Tracker
from tests.privacy.helpers import db, upload

CATALOGS = Catalogs(REPO_ROOT / "locales")
ASK = {
    "en": {"export": "Can you send me my data?", "erase": "Please delete my data", "yes": "yes"},
    "ja": {"export": "私のデータを送ってください", "erase": "私のデータを削除してください", "yes": "はい"},
    "vi": {"export": "Gửi dữ liệu của tôi cho tôi", "erase": "Xóa dữ liệu của tôi", "yes": "có"},
    "ne": {"export": "मेरो डाटा पठाउनुहोस्", "erase": "मेरो डाटा मेटाउनुहोस्", "yes": "हो"},
    "pt": {"export": "Envie meus dados", "erase": "Apague meus dados", "yes": "sim"},
}
LINK = re.compile(r"https?://\S+/privacy/download/([A-Za-z0-9_-]+)")


def start(client: TestClient, language: str) -> dict[str, str]:
    response = client.post("/api/v1/widget/conversations", json={"locale": language})
    assert response.status_code == 201
    body: dict[str, str] = response.json()
    body["headers"] = {"Authorization": f"Bearer {body['token']}"}  # type: ignore[assignment]
    return body


def say(client: TestClient, chat: dict[str, Any], text: str, payload: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"text": text}
    if payload is not None:
        body["payload"] = payload
    response = client.post(
        f"/api/v1/widget/conversations/{chat['conversation_id']}/messages", json=body, headers=chat["headers"]
    )
    assert response.status_code == 200, response.text
    turn: dict[str, Any] = response.json()
    return turn


def history(client: TestClient, chat: dict[str, Any]) -> Any:
    return client.get(f"/api/v1/widget/conversations/{chat['conversation_id']}/messages", headers=chat["headers"])


def t(key: str, language: str, **params: Any) -> str:
    return CATALOGS.gettext(key, language, **params)


def audits(client: TestClient, action: str) -> list[dict[str, Any]]:
    with db(client).session() as session:
        return [e.detail for e in session.scalars(select(AuditEntry).where(AuditEntry.action == action))]


def count(client: TestClient, model: Any) -> int:
    with db(client).session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# -- export, in each language ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_export_in_chat(client: TestClient, fake_rasa: FakeRasa, language: str) -> None:
    chat = start(client, language)
    say(client, chat, "hello")
    asked = say(client, chat, ASK[language]["export"])
    (confirmation,) = asked["replies"]
    assert confirmation["text"].startswith(t("privacy.chat.export.confirm", language, hours=24))
    assert t("privacy.chat.held.conversations", language, count=1, messages=3) in confirmation["text"]
    assert [b["payload"] for b in confirmation["buttons"]] == [
        '/privacy_confirm{"action": "export"}',
        '/privacy_cancel{"action": "export"}',
    ]
    assert [b["title"] for b in confirmation["buttons"]] == [
        t("privacy.chat.export.yes", language),
        t("privacy.chat.cancel", language),
    ]
    # A typed yes answers the confirmation the api just asked; Rasa saw only the first message.
    (ready,) = say(client, chat, ASK[language]["yes"])["replies"]
    assert [m["message"] for m in fake_rasa.sent] == ["hello"]
    match = LINK.search(ready["text"])
    assert match is not None, ready["text"]
    token = match.group(1)
    assert ready["text"] == t("privacy.chat.export.ready", language, url=match.group(0), hours=24)

    # The conversation keeps the reply with the token masked; only the answer carried it.
    stored = history(client, chat).json()["messages"]
    assert token not in json.dumps(stored)
    assert "/privacy/download/••••••••" in stored[-1]["text"]
    with db(client).session() as session:
        (link,) = session.scalars(select(ExportLink)).all()
        assert link.token_hash != token and token not in link.token_hash
        assert abs(
            (link.expires_at.replace(tzinfo=None) - link.created_at.replace(tzinfo=None)) - timedelta(hours=24)
        ) < (timedelta(seconds=1))

    # Opening the link shows a Download button and spends nothing; the download is the zip, once.
    page = client.get(f"/privacy/download/{token}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert t("privacy.download.button", language) in page.text
    assert client.get(f"/privacy/download/{token}").status_code == 200
    download = client.post(f"/privacy/download/{token}")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["content-disposition"] == 'attachment; filename="kakehashi-export.zip"'
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        data = json.loads(archive.read("data.json"))
    (conversation,) = data["conversations"]
    assert conversation["id"] == chat["conversation_id"]
    texts = [m["text"] for m in conversation["messages"]]
    assert texts[:2] == ["hello", "hello from the fake bot"]
    assert ASK[language]["export"] in texts
    assert client.post(f"/privacy/download/{token}").status_code == 404
    assert client.get(f"/privacy/download/{token}").status_code == 404
    assert audits(client, "privacy.export_link") == [{"via": "chat", "hours": 24}]
    assert audits(client, "privacy.export") == [{"via": "chat_link", "conversations": 1, "fce_cases": []}]


# -- erasure, in each language ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_erasure_in_chat(client: TestClient, fake_rasa: FakeRasa, language: str) -> None:
    other = start(client, "en")
    say(client, other, "someone else's question")
    chat = start(client, language)
    say(client, chat, "hello")
    (confirmation,) = say(client, chat, ASK[language]["erase"])["replies"]
    assert confirmation["text"].startswith(t("privacy.chat.erase.confirm", language))
    assert confirmation["text"].endswith(t("privacy.chat.erase.final", language))
    assert t("privacy.chat.held.conversations", language, count=1, messages=3) in confirmation["text"]
    yes, _cancel = confirmation["buttons"]
    assert yes["payload"] == '/privacy_confirm{"action": "erase"}'

    turn = say(client, chat, yes["title"], yes["payload"])
    assert turn["state"] == "erased"
    assert turn["replies"] == [{"text": t("privacy.chat.erase.done", language)}]
    with db(client).session() as session:
        assert session.get(Conversation, chat["conversation_id"]) is None
        left = session.scalars(select(Message.text).where(Message.conversation_id == chat["conversation_id"])).all()
        assert left == []
        assert session.get(Conversation, other["conversation_id"]) is not None
    assert history(client, chat).status_code == 404
    (erased,) = audits(client, "privacy.erase")
    assert erased["via"] == "chat" and erased["conversations"] == 1 and erased["messages"] == 5
    assert ASK[language]["erase"] not in json.dumps(erased)

    # The next message starts a new conversation (the widget makes one when its own is gone).
    again = start(client, language)
    assert say(client, again, "hello again")["replies"] == [{"text": "hello from the fake bot"}]


def test_erasure_takes_the_case_made_in_this_chat_and_rasas_tracker(
    client: TestClient, fce: Fce, tracker: Tracker
) -> None:
    chat = start(client, "en")
    say(client, chat, "I want my degree evaluated")
    case = create(client)
    upload(client, case)
    with db(client).session() as session:
        session.execute(
            update(FceCase)
            .where(FceCase.reference == case["reference"])
            .values(conversation_id=chat["conversation_id"])
        )
    tracker.add(chat["conversation_id"], utcnow().timestamp(), text="I want my degree evaluated")
    # The chat's requests reach Rasa's tracker table (the test's own SQLite file) and the fixture's uploads.
    requests = client.app.state.services.privacy.requests  # type: ignore[attr-defined]
    requests.tracker = TrackerStore(tracker.url)
    requests.documents_dir = fce.settings.documents_dir
    assert len(list(fce.settings.documents_dir.iterdir())) == 1

    (confirmation,) = say(client, chat, "delete my data")["replies"]
    cases_line = t("privacy.chat.held.cases", "en", references=case["reference"], documents=1)
    assert cases_line in confirmation["text"]
    assert t("privacy.erase.kept", "en") in confirmation["text"]
    assert say(client, chat, "yes")["state"] == "erased"
    assert tracker.senders() == []
    assert list(fce.settings.documents_dir.iterdir()) == []
    with db(client).session() as session:
        assert session.scalar(select(FceCase).where(FceCase.reference == case["reference"])) is None
    (erased,) = audits(client, "privacy.erase")
    assert erased["fce_cases"] == {case["reference"]: "deleted"} and erased["rasa_tracker_events"] == 1


# -- a confirmation only when asked, and only once --------------------------------------------------------


def test_cancel_leaves_everything_and_a_later_yes_is_the_bots(client: TestClient, fake_rasa: FakeRasa) -> None:
    chat = start(client, "en")
    say(client, chat, "hello")
    (confirmation,) = say(client, chat, "erase my chat")["replies"]
    _yes, cancel = confirmation["buttons"]
    assert say(client, chat, cancel["title"], cancel["payload"])["replies"] == [
        {"text": t("privacy.chat.cancelled", "en")}
    ]
    assert say(client, chat, "yes")["replies"] == [{"text": "hello from the fake bot"}]
    assert [m["message"] for m in fake_rasa.sent] == ["hello", "yes"]
    assert count(client, Conversation) == 1 and audits(client, "privacy.erase") == []


def test_typed_no_and_a_typed_button_title_answer_the_confirmation(client: TestClient) -> None:
    chat = start(client, "pt")
    say(client, chat, "Apague meus dados")
    assert say(client, chat, "não")["replies"] == [{"text": t("privacy.chat.cancelled", "pt")}]
    say(client, chat, "Envie meus dados")
    (ready,) = say(client, chat, t("privacy.chat.export.yes", "pt"))["replies"]
    assert LINK.search(ready["text"]) is not None


@pytest.mark.parametrize("action", ["erase", "export"])
def test_a_confirmation_nobody_asked_for_does_nothing(client: TestClient, fake_rasa: FakeRasa, action: str) -> None:
    chat = start(client, "vi")
    say(client, chat, "xin chào")
    turn = say(client, chat, "Có", f'/privacy_confirm{{"action": "{action}"}}')
    assert turn["replies"] == [{"text": t("privacy.chat.nothing_pending", "vi")}]
    assert turn["state"] == "bot"
    assert count(client, ExportLink) == 0 and audits(client, "privacy.erase") == []
    # An old confirmation, once the conversation moved on, is no longer pending either.
    say(client, chat, "Xóa dữ liệu của tôi")
    say(client, chat, "visa là gì?")
    turn = say(client, chat, "Có", '/privacy_confirm{"action": "erase"}')
    assert turn["replies"] == [{"text": t("privacy.chat.nothing_pending", "vi")}]
    assert count(client, Conversation) == 1


def test_a_second_press_of_the_same_confirmation_makes_no_second_link(client: TestClient) -> None:
    chat = start(client, "ja")
    (confirmation,) = say(client, chat, "私のデータを送ってください")["replies"]
    yes = confirmation["buttons"][0]
    assert LINK.search(say(client, chat, yes["title"], yes["payload"])["replies"][0]["text"])
    again = say(client, chat, yes["title"], yes["payload"])
    assert again["replies"] == [{"text": t("privacy.chat.nothing_pending", "ja")}]
    assert count(client, ExportLink) == 1


@pytest.mark.parametrize(
    "payload",
    [
        '/privacy_confirm{"action": "drop"}',
        '/privacy_confirm{"action": 1}',
        '/privacy_request{"action": "everything"}',
        "/privacy_confirm",
    ],
)
def test_crafted_payloads_do_nothing(client: TestClient, payload: str) -> None:
    chat = start(client, "en")
    say(client, chat, "delete my data")  # a real confirmation is pending: still no crafted action passes
    turn = say(client, chat, "yes", payload)
    assert turn["replies"] == [{"text": t("privacy.chat.nothing_pending", "en")}]
    assert count(client, Conversation) == 1 and count(client, ExportLink) == 0


def test_hostile_text_gets_a_confirmation_never_an_action(client: TestClient, fake_rasa: FakeRasa) -> None:
    chat = start(client, "en")
    turn = say(client, chat, '<script>alert(1)</script> delete my data /privacy_confirm{"action": "erase"}')
    assert turn["replies"][0]["text"].startswith(t("privacy.chat.erase.confirm", "en"))
    long = "delete my data " + "a" * 1500
    assert say(client, chat, long)["replies"] == [{"text": "hello from the fake bot"}]
    assert count(client, Conversation) == 1
    # The typed link path of a reply is no way in: the user's text is kept as written, and the api's
    # replies never echo it.
    say(client, chat, "/privacy/download/abc")
    assert count(client, ExportLink) == 0


# -- while a person holds the conversation --------------------------------------------------------------


def test_erasure_while_waiting_for_an_advisor_says_so_and_ends_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    chat = start(client, "en")
    say(client, chat, "hello")
    with db(client).session() as session:
        session.execute(
            update(Conversation)
            .where(Conversation.id == chat["conversation_id"])
            .values(state=ConversationState.WAITING.value)
        )
    (confirmation,) = say(client, chat, "delete my data")["replies"]
    assert t("privacy.chat.erase.ends_handoff", "en") in confirmation["text"]
    published: list[tuple[str, dict[str, Any]]] = []
    broadcaster = client.app.state.services.broadcaster  # type: ignore[attr-defined]
    monkeypatch.setattr(broadcaster, "publish", lambda topic, event: published.append((topic, event)))
    assert say(client, chat, "yes")["state"] == "erased"
    closed = {"type": "state", "conversation_id": chat["conversation_id"], "state": "closed", "advisor_id": None}
    assert ("advisors", closed) in published
    assert count(client, Conversation) == 0


# -- the links -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["nope", "x" * 43, "x" * 500, "Zm9v-_"])
def test_unknown_tokens_are_404(client: TestClient, token: str) -> None:
    for response in (client.get(f"/privacy/download/{token}"), client.post(f"/privacy/download/{token}")):
        assert response.status_code == 404
        assert response.headers["cache-control"] == "no-store"
        assert "zip" not in response.headers["content-type"]


def _link(client: TestClient, language: str = "en") -> str:
    chat = start(client, language)
    say(client, chat, "send me my data")
    match = LINK.search(say(client, chat, "yes")["replies"][0]["text"])
    assert match is not None
    return match.group(1)


def test_an_expired_link_is_404(client: TestClient) -> None:
    token = _link(client)
    with db(client).session() as session:
        session.execute(update(ExportLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get(f"/privacy/download/{token}").status_code == 404
    assert client.post(f"/privacy/download/{token}").status_code == 404
    assert audits(client, "privacy.export") == []


def test_a_failed_build_gives_the_link_back(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    token = _link(client)
    links = client.app.state.services.privacy.links  # type: ignore[attr-defined]

    def broken(*_args: Any, **_kwargs: Any) -> bytes:
        raise OSError("disk gone")

    monkeypatch.setattr(links.requests, "export", broken)
    with pytest.raises(OSError):
        links.download(token)
    monkeypatch.undo()
    assert client.post(f"/privacy/download/{token}").status_code == 200
    with pytest.raises(LinkGone):
        links.download(token)


def test_a_failed_erasure_changes_nothing_and_says_so(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = start(client, "ne")
    say(client, chat, "नमस्ते")
    say(client, chat, "मेरो डाटा मेटाउनुहोस्")
    requests = client.app.state.services.privacy.requests  # type: ignore[attr-defined]

    def broken(_senders: Any) -> int:
        raise OSError("tracker store down")

    monkeypatch.setattr(requests.tracker, "erase", broken)
    turn = say(client, chat, "हो")
    assert turn["replies"] == [{"text": t("privacy.chat.erase.failed", "ne")}]
    assert turn["state"] == "bot"
    assert [m["text"] for m in history(client, chat).json()["messages"]][:2] == ["नमस्ते", "hello from the fake bot"]
    assert audits(client, "privacy.erase") == []


def test_no_message_text_or_token_in_the_info_log(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO)
    # JSON logging (api/core/logs.py, set up by other tests in this process) stops uvicorn.access from
    # propagating to the root, where caplog listens; the mask is a filter on that logger either way.
    # Earlier tests in the process may also have disabled it or raised its level (uvicorn's dictConfig).
    access = logging.getLogger("uvicorn.access")
    monkeypatch.setattr(access, "propagate", True)
    monkeypatch.setattr(access, "disabled", False)
    monkeypatch.setattr(access, "level", logging.INFO)
    token = _link(client, "vi")
    client.post(f"/privacy/download/{token}")
    chat = start(client, "vi")
    say(client, chat, "Xóa dữ liệu của tôi")
    say(client, chat, "có")
    # What the server logs (the test client's own httpx log is no part of it), and uvicorn's access line.
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "203.0.113.9:5000", "POST", f"/privacy/download/{token}", "1.1", 200
    )
    server = [r for r in caplog.records if r.levelno >= logging.INFO and not r.name.startswith("httpx")]
    logged = "\n".join(r.getMessage() for r in server)
    assert "privacy" in logged  # the requests are logged, as what they are
    assert "/privacy/download/••••••••" in logged
    for secret in (token, "send me my data", "Xóa dữ liệu của tôi", "hello from the fake bot"):
        assert secret not in logged
