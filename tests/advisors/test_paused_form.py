"""A form left for a person (issue #20 defects 1 and 2): "Back to the bot" resumes it at its pending
question, and while waiting a form's button or a stop always gets an answer with the way back."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.advisors.conftest import INTERNAL
from tests.advisors.test_advisor_api import say
from tests.api.conftest import FakeRasa

ANSWERS = {"points_category": "b", "points_education": "master", "pathway_mode": "points"}
BACK = "/cancel_handoff"


def hand_off_mid_form(client: TestClient, conversation_id: str, **extra: Any) -> dict[str, Any]:
    body = {"reason": "request_human", "intents": ["request_human"], "form": "points_form", "slots": ANSWERS, **extra}
    response = client.post(f"/internal/v1/conversations/{conversation_id}/handoff", json=body, headers=INTERNAL)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_back_to_the_bot_resumes_the_form_at_its_question(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    cid = conversation["conversation_id"]
    hand_off_mid_form(client, cid)
    result = say(client, conversation, "Back to the bot", BACK)
    assert result["state"] == "bot"
    texts = [reply["text"] for reply in result["replies"]]
    assert texts[-2:] == ["Let's continue where we left off.", "the pending question"]
    assert fake_rasa.executed == [(cid, "points_form")]
    given, listen = fake_rasa.events
    assert {e["name"]: e["value"] for e in given[1] if e["event"] == "slot"} == {"language": "en", **ANSWERS}
    assert listen[1] == [{"event": "action", "name": "action_listen"}]
    # The next answer goes to Rasa, where the form is active again.
    say(client, conversation, "5")
    assert [s["message"] for s in fake_rasa.sent] == ["5"]


def test_back_to_the_bot_without_a_form_resumes_nothing(
    client: TestClient, waiting: dict[str, str], fake_rasa: FakeRasa
) -> None:
    result = say(client, waiting, "Back to the bot", BACK)
    assert result["state"] == "bot" and len(result["replies"]) == 1
    assert fake_rasa.executed == []


def test_when_rasa_is_down_the_cancel_still_works(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    hand_off_mid_form(client, conversation["conversation_id"])
    fake_rasa.down = True
    result = say(client, conversation, "Back to the bot", BACK)
    assert result["state"] == "bot" and len(result["replies"]) == 1


def test_a_form_button_while_waiting_gets_an_answer_and_the_way_back(
    client: TestClient, conversation: dict[str, str]
) -> None:
    hand_off_mid_form(client, conversation["conversation_id"])
    result = say(client, conversation, "Master's", '/choose{"value": "points_education:master"}')
    assert result["state"] == "waiting"
    assert "paused" in result["replies"][0]["text"]
    assert result["replies"][0]["buttons"][0]["payload"] == BACK


def test_stop_while_waiting_ends_the_form(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    hand_off_mid_form(client, conversation["conversation_id"])
    result = say(client, conversation, "cancel")
    assert "stopped the form" in result["replies"][0]["text"]
    assert result["replies"][0]["buttons"][0]["payload"] == BACK
    # The form is gone: going back to the bot resumes nothing.
    assert len(say(client, conversation, "Back to the bot", BACK)["replies"]) == 1
    assert fake_rasa.executed == []


def test_the_cancel_button_while_waiting_is_a_stop_too(client: TestClient, waiting: dict[str, str]) -> None:
    result = say(client, waiting, "Cancel", "/stop")
    assert "no form to stop" in result["replies"][0]["text"]
    assert result["replies"][0]["buttons"][0]["payload"] == BACK


def test_a_paused_form_must_be_a_form_name(client: TestClient, conversation: dict[str, str]) -> None:
    body = {"reason": "request_human", "form": "action_restart", "slots": {}}
    response = client.post(
        f"/internal/v1/conversations/{conversation['conversation_id']}/handoff", json=body, headers=INTERNAL
    )
    assert response.status_code == 422 and "form" in response.text


def test_a_question_shown_after_a_handoff_keeps_the_way_back(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    """Defect 1: outside office hours the form's question came after the handoff notice, with its own
    buttons only; nobody answers those while the conversation waits."""
    cid = conversation["conversation_id"]
    advisors = client.app.state.services.advisors  # type: ignore[attr-defined]
    question = {"text": "How many years?", "buttons": [{"title": "Cancel", "payload": "/stop"}]}
    fake_rasa.replies = [question]
    send = fake_rasa.send

    def send_and_hand_off(sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        notice = advisors.request_handoff(cid, "unsure")[1][0]
        return [{"text": notice.text}, *send(sender, message, metadata)]

    fake_rasa.send = send_and_hand_off  # type: ignore[method-assign]
    result = say(client, conversation, "what is this")
    assert result["state"] == "waiting"
    assert [b["payload"] for b in result["replies"][-1]["buttons"]] == ["/stop", BACK]
