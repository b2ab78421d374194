"""How the router reads typed messages (issue #20): a typed answer to the bot's own buttons is that
button, markup never reaches the intent model, and an access code is masked in the history."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.conversations.secrets import MASKED_CODE
from api.conversations.service import typed_button, without_markup
from api.core.config import REPO_ROOT
from api.core.i18n import Catalogs
from tests.api.conftest import FakeRasa
from tests.api.test_widget import history, post

OFFER = [
    {
        "text": "Would you like to apply?",
        "buttons": [{"title": "Apply", "payload": "/affirm"}, {"title": "Not now", "payload": "/deny"}],
    }
]


def test_a_typed_yes_to_the_apply_offer_is_the_apply_button(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    # Defect 4: "có" alone went to the intent model, which opened the case-status form.
    fake_rasa.replies = OFFER
    post(client, conversation, {"text": "I'd like an evaluation of my degree please"})
    fake_rasa.replies = [{"text": "ok"}]
    post(client, conversation, {"text": "có"})
    assert fake_rasa.sent[-1]["message"] == "/affirm"
    fake_rasa.replies = OFFER
    post(client, conversation, {"text": "again please"})
    post(client, conversation, {"text": "👎"})
    assert fake_rasa.sent[-1]["message"] == "/deny"
    # The stored message is what was typed.
    assert history(client, conversation)[-2]["text"] == "👎"


def test_a_button_title_typed_out_is_that_button() -> None:
    buttons = [{"title": "Check which status fits", "payload": '/choose{"value": "pathway_mode:check"}'}]
    assert typed_button("check which status fits!", buttons) == buttons[0]["payload"]
    assert typed_button("something else", buttons) is None
    # A yes without a yes button is no button at all.
    assert typed_button("yes", buttons) is None


def test_markup_never_reaches_the_intent_model(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    # Defect 8: the tags made an in-scope question out of scope.
    post(client, conversation, {"text": "<script>alert(1)</script>ビザの更新はいつからできますか？"})
    assert fake_rasa.sent[-1]["message"] == "ビザの更新はいつからできますか？"
    assert history(client, conversation)[-2]["text"].startswith("<script>")
    assert without_markup("<b>visa</b> renewal") == "visa renewal"
    assert without_markup("3 < 5 and 7 > 2") == "3 < 5 and 7 > 2"


def test_an_access_code_is_masked_in_the_history(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    # Defect 10: the question says the history masks it; the history did keep it word for word.
    question = Catalogs(REPO_ROOT / "locales").gettext("flow.ask.case_access_code", "en")
    fake_rasa.replies = [{"text": question, "buttons": [{"title": "Cancel", "payload": "/stop"}]}]
    post(client, conversation, {"text": "my case please"})
    post(client, conversation, {"text": "abcd-efgh-jkmn"})
    # Issue #15 item 5: Rasa (and its tracker) gets the mask too; the check takes the parked code
    # (tests/chat_flows/test_access_codes.py).
    assert fake_rasa.sent[-1]["message"] == MASKED_CODE
    texts = [m["text"] for m in history(client, conversation)]
    assert "abcd-efgh-jkmn" not in str(texts) and MASKED_CODE in texts[-2]
    assert "masked" in question
