"""Asking for the self-check or the points starts it (issue #20 defect 6, #14): in five languages, the
button's own label typed out included; a question about the points system stays a question."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.conversations import secrets, starts
from api.core.i18n import Catalogs
from tests.api.conftest import FakeRasa

MODE_BUTTONS = [
    {"title": "Calculate my HSP points", "payload": '/choose{"value": "pathway_mode:points"}'},
    {"title": "Which residence status could fit me?", "payload": '/choose{"value": "pathway_mode:check"}'},
    {"title": "Cancel", "payload": "/stop"},
]


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("quero fazer a verificação de qual status de residência serve pra mim", "check"),
        ("Qual status de residência serve para mim?", "check"),
        ("tôi muốn kiểm tra xem visa nào hợp với mình", "check"),
        ("Tư cách lưu trú nào hợp với tôi?", "check"),
        ("自分に合う在留資格を診断したい", "check"),
        ("मलाई कुन भिसा मिल्छ?", "check"),
        # "a visa that suits me": the sentence-vector intent model reads the bare phrase as chatter.
        ("मलाई मिल्ने भिसा 🤔", "check"),
        ("malai milne visa kun ho", "check"),
        ("विद्यार्थीलाई मिल्ने भिसा कुन हो?", None),
        ("which visa could fit me", "check"),
        ("how many points would I get?", "points"),
        ("quantos pontos eu faço?", "points"),
        ("tôi được bao nhiêu điểm", "points"),
        ("私は何点ですか", "points"),
        ("मेरो कति अंक हुन्छ?", "points"),
        ("Tính điểm HSP của tôi", "points"),
        ("what status of residence fits me", "check"),
        ("actually can u check what my diploma is worth in japan", "fce"),
        ("海外の学位が日本で何に相当するか知りたい", "fce"),
        ("すみません、ネパールの学士号の評価をしたいのですが", "fce"),
        ("修士の評価をお願いします", "fce"),
        ("学士号とは何ですか", None),
        ("quero avaliar meu diploma do Brasil", "fce"),
        ("I want to know which residence status I could apply for", "check"),
        ("what visa should i apply for", "check"),
        ("ad ơi hồ sơ đánh giá bằng của em thế nào rồi", None),
        ("कुन भिसा लिन सकिन्छ जाँच गर्नुस्", "check"),
        ("भिसा स्व-जाँच", "check"),
        ("qual visto é melhor pra mim 🤔", "check"),
        ("उच्च दक्ष अंक जाँच", "points"),
        ("आवेदनको स्थिति", "case"),
        ("७० अंक पुग्छ कि जाँच्न चाहन्छु", "points"),
        ("नेपालको डिग्री जापानमा के बराबर हुन्छ?", "fce"),
        # Issue #20's dialogue set: openings read as knowledge questions before (session 8).
        ("hsp points pls 🙏", "points"),
        ("highly skilled professional points", "points"),
        ("HSP अंक", "points"),
        ("pontuação hsp", "points"),
        ("điểm nhân lực chất lượng cao", "points"),
        ("what are hsp points?", None),
        ("how do HSP points work", None),
        ("HSPポイントとは", None),
        ("審査状況", "case"),
        ("hello, i applied for an evaluation last week, where is it now?", "case"),
        ("kiểm tra hồ sơ", "case"),
        ("ver andamento da avaliação", "case"),
        ("मेरो मूल्याङ्कन कहाँ पुग्यो?", "case"),
        ("शैक्षिक योग्यता मूल्याङ्कन", "fce"),
        ("quero fazer a avaliação da minha graduação", "fce"),
        ("verificar visto", "check"),
        ("em nên xin visa gì ạ", "check"),
        ("can you check my options for working in japan", "check"),
        ("उच्च दक्ष पेशेवर अंक हिसाब गर्न चाहन्छु", "points"),
        ("where is the immigration office", None),
        ("what is the evaluation fee", None),
        ("what is a COE?", None),
        ("what documents do I need for a work visa", None),
        ("verificação do status do meu caso FCE-2026-000123", None),
        ("मेरो IELTS अंक 6.5 छ, के पुग्छ?", None),
    ],
)
def test_requests_to_run_a_check(catalogs: Catalogs, text: str, check: str | None) -> None:
    assert starts.requested_check(text, catalogs) == check


@pytest.fixture
def catalogs(client: TestClient) -> Catalogs:
    value: Catalogs = client.app.state.services.catalogs  # type: ignore[attr-defined]
    return value


def scripted(fake_rasa: FakeRasa) -> list[str]:
    sent: list[str] = []

    def send(sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        sent.append(message)
        if message == "/points_check":
            return [{"text": "Which check?", "buttons": MODE_BUTTONS}]
        if message.startswith("/choose"):
            return [{"text": "What is your highest education?", "buttons": [{"title": "Cancel", "payload": "/stop"}]}]
        return [{"text": "an answer"}]

    fake_rasa.send = send  # type: ignore[method-assign]
    return sent


def say(client: TestClient, conversation: dict[str, str], text: str) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/widget/conversations/{conversation['conversation_id']}/messages",
        json={"text": text},
        headers={"Authorization": conversation["auth"]},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("typed", "check"),
    [
        ("mã hồ sơ FCE-2026-42558585, mã truy cập XUFR-KJQB-3ZCZ", "case"),
        ("FCE-2026-23456789 ABCD-EFGH-JKMN", "case"),
        ("照会番号 FCE 2026 000123 アクセスコード abcd efgh jkmn", "case"),
        # A reference alone, or a code-shaped text alone, is left to the intent model.
        ("what does FCE-2026-000123 mean", None),
        ("XUFR-KJQB-3ZCZ", None),
    ],
)
def test_a_reference_with_its_access_code_asks_for_that_case(catalogs: Catalogs, typed: str, check: str | None) -> None:
    masked, _code = secrets.mask(typed, asked_for_code=False)
    assert starts.requested_check(masked, catalogs) == check


def test_a_typed_request_starts_the_self_check_at_its_first_question(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    sent = scripted(fake_rasa)
    result = say(client, conversation, "quero fazer a verificação de qual status de residência serve pra mim")
    assert sent == ["/points_check", '/choose{"value": "pathway_mode:check"}']
    assert [r["text"] for r in result["replies"]] == ["What is your highest education?"]


def test_inside_a_form_the_same_words_are_an_answer(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    sent = scripted(fake_rasa)
    say(client, conversation, "how many points would I get?")
    say(client, conversation, "how many points would I get?")  # the education question is open now
    assert sent[-1] == "how many points would I get?"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("actually can u check what my diploma is worth in japan", ["/stop", "/start_fce"]),
        ("審査状況", ["/stop", "/check_case_status"]),
        ("how many points would I get?", ["how many points would I get?"]),  # the menu's own answer
        ("check", ["check"]),
    ],
)
def test_at_the_which_check_menu_a_request_for_something_else_starts_that(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa, text: str, expected: list[str]
) -> None:
    """The model reads "I have a question about visas" as points_check; the person then asks for an
    evaluation, and the word "check" in it must not pick the self-check."""
    sent: list[str] = []

    def send(sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        sent.append(message)
        if message == "Hello, I have a question about visas":  # the model's points_check: its menu
            return [{"text": "Which check?", "buttons": MODE_BUTTONS}]
        return [{"text": "an answer"}]

    fake_rasa.send = send  # type: ignore[method-assign]
    say(client, conversation, "Hello, I have a question about visas")
    sent.clear()
    say(client, conversation, text)
    assert sent == expected


def test_a_typed_request_for_an_evaluation_starts_it(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    sent = scripted(fake_rasa)
    say(client, conversation, "how do i get my degree recognised in japan? i studied in vietnam")
    assert sent == ["/start_fce"]


def test_a_typed_case_status_request_opens_the_status_form(
    client: TestClient, conversation: dict[str, str], fake_rasa: FakeRasa
) -> None:
    sent = scripted(fake_rasa)
    say(client, conversation, "आवेदन स्थिति जाँच")
    assert sent == ["/check_case_status"]
