"""The message that started a form fills it (issue #20): a country and a degree, a case reference, a
reference and its access code in one message; anything unclear is asked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Flows = Callable[..., Any]


def prefill(flows: Flows, conversation: str, form: str, text: str) -> dict[str, Any]:
    response = flows("prefill", {"conversation_id": conversation, "form": form, "text": text})
    assert response.status_code == 200, response.text
    slots: dict[str, Any] = response.json()["slots"]
    return slots


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "I want my bachelor's degree from Nepal evaluated",
            {"fce_country": "NP", "fce_credential": "np_bachelor"},
        ),
        ("vi", "mình muốn đánh giá bằng đại học Việt Nam", {"fce_country": "VN", "fce_credential": "vn_bachelor"}),
        ("pt", "quero avaliar meu diploma do Brasil", {"fce_country": "BR"}),
        ("en", "can you evaluate my degree?", {}),
        ("vi", "cho mình hỏi thủ tục đánh giá bằng cấp ở nhật với", {}),
        ("en", "what is my Vietnamese degree worth in Japan", {"fce_country": "VN"}),
        ("en", "I studied in Nepal and now work in Japan", {"fce_country": "NP"}),
        ("en", "I studied in Nepal and in India", {}),
    ],
)
def test_a_country_and_a_degree_in_the_first_message(
    flows: Flows, conversation_in: Callable[[str], str], language: str, text: str, expected: dict[str, Any]
) -> None:
    assert prefill(flows, conversation_in(language), "fce_preview_form", text) == expected


def test_a_reference_and_a_code_in_one_message(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    slots = prefill(flows, conversation_in("en"), "case_status_form", "status of fce 2026 123 code ABCD-EFGH-JKMN?")
    assert slots == {"case_reference": "FCE-2026-000123", "case_access_code": "given"}
    assert "ABCD" not in str(slots)


def test_a_reference_alone(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    slots = prefill(flows, conversation_in("vi"), "case_status_form", "hồ sơ FCE-2026-000042 của mình sao rồi")
    assert slots == {"case_reference": "FCE-2026-000042"}


def test_other_forms_and_hostile_input_fill_nothing(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    conversation = conversation_in("en")
    assert prefill(flows, conversation, "points_form", "I have a master's from Nepal") == {}
    assert prefill(flows, conversation, "fce_preview_form", "<script>alert(1)</script>") == {}
    response = flows("prefill", {"conversation_id": conversation, "form": "x; drop", "text": "hi"})
    assert response.status_code == 422 and "form" in response.text


def test_a_form_started_by_a_payload_reads_the_stored_message(
    client: Any, flows: Flows, conversation_in: Callable[[str], str]
) -> None:
    """A typed request the api turned into /start_fce: the form still reads what was typed."""
    conversation = conversation_in("en")
    client.app.state.services.conversations.handle_user_message(conversation, "what is my degree from Nepal worth?")
    assert prefill(flows, conversation, "fce_preview_form", "/start_fce") == {"fce_country": "NP"}
