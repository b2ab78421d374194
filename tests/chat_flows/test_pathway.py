"""The pathway self-check as a chat flow (issue #7): the choice between the HSP points and the check,
the short profile's questions and answers in five languages, re-asks, and the result of
POST /api/v1/pathways/check rendered in the conversation's language."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from api.chat_flows.slots import FORMS
from api.pathways.data import pathway_rules
from knowledge_base.language import LANGUAGES
from tests.chat_flows.test_answers import check

Flows = Callable[..., Any]
PROFILE: dict[str, Any] = {
    "pathway_edu_level": "bachelor",
    "pathway_edu_country": "VN",
    "pathway_edu_field": "it",
    "pathway_jp_grad": False,
    "pathway_age": 27,
    "pathway_experience": 3,
    "pathway_exp_field": "it",
    "pathway_japanese": "N2",
    "pathway_ssw_test": "none",
    "pathway_job_field": "it",
    "pathway_salary": "-",
}
# A cook with the SSW food-service test, without an offer yet: SSW (i) nearly fits, HSP does not.
COOK: dict[str, Any] = {
    **PROFILE,
    "pathway_edu_level": "upper_secondary",
    "pathway_edu_field": "other",
    "pathway_experience": 0,
    "pathway_exp_field": "-",
    "pathway_japanese": "N4",
    "pathway_ssw_test": "food_service",
    "pathway_job_field": "none",
}


def values(reply: dict[str, Any]) -> list[str]:
    return [json.loads(b["payload"][len("/choose") :])["value"] for b in reply["buttons"] if b["payload"] != "/stop"]


def ask(flows: Flows, conversation: str, slot: str, **extra: Any) -> dict[str, Any]:
    response = flows("ask", {"conversation_id": conversation, "slot": slot, **extra})
    assert response.status_code == 200, response.text
    (reply,) = response.json()["replies"]
    return dict(reply)


def test_the_two_forms_are_declared() -> None:
    assert FORMS["pathway_mode_form"] == ("pathway_mode",)
    assert FORMS["pathway_form"] == tuple(PROFILE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_points_check_first_offers_the_two_checks(
    flows: Flows, conversation_in: Callable[[str], str], language: str
) -> None:
    reply = ask(flows, conversation_in(language), "pathway_mode")
    assert values(reply) == ["pathway_mode:points", "pathway_mode:check"]
    assert reply["buttons"][-1]["payload"] == "/stop"
    assert len({b["title"] for b in reply["buttons"]}) == 3


@pytest.mark.parametrize("channel_limit", [13])
def test_every_pathway_question_fits_line(
    flows: Flows, conversation_in: Callable[[str], str], channel_limit: int
) -> None:
    conversation = conversation_in("ne")
    for slot in FORMS["pathway_form"]:
        reply = ask(flows, conversation, slot)
        assert len(reply["buttons"]) <= channel_limit, slot
        assert reply["buttons"][-1]["payload"] == "/stop", slot


def test_education_offers_every_level_and_fields_come_from_the_rules(
    flows: Flows, conversation_in: Callable[[str], str]
) -> None:
    conversation = conversation_in("vi")
    levels = values(ask(flows, conversation, "pathway_edu_level"))
    assert levels == [f"pathway_edu_level:{lvl}" for lvl in pathway_rules()["education_levels"]]
    fields = ask(flows, conversation, "pathway_edu_field")
    assert "CNTT và phần mềm" in [b["title"] for b in fields["buttons"]]
    job = values(ask(flows, conversation, "pathway_job_field"))
    assert job[0] == "pathway_job_field:none"
    countries = values(ask(flows, conversation, "pathway_edu_country"))
    assert countries[:2] == ["pathway_edu_country:JP", "pathway_edu_country:VN"]


@pytest.mark.parametrize(
    ("slot", "typed", "value", "more"),
    [
        ("pathway_mode", "pathway_mode:check", "check", {}),
        ("pathway_mode", "tính điểm", "points", {}),
        ("pathway_mode", "ビザ", "check", {}),
        ("pathway_mode", "calcular pontos", "points", {}),
        ("pathway_edu_level", "thạc sĩ", "master", {}),
        ("pathway_edu_level", "licenciatura", "bachelor", {}),
        ("pathway_edu_level", "स्नातकोत्तर", "master", {}),
        # Titles only Japanese schools award: Japan without asking, and no Japanese university degree
        # (専門士 never earns HSP's +10 Japanese-university points).
        ("pathway_edu_level", "専門士", "senmonshi", {"pathway_edu_country": "JP", "pathway_jp_grad": False}),
        ("pathway_edu_level", "高度専門士", "koudo_senmonshi", {"pathway_edu_country": "JP", "pathway_jp_grad": False}),
        ("pathway_edu_country", "Việt Nam", "VN", {}),
        ("pathway_edu_country", "नेपाल", "NP", {}),
        ("pathway_edu_country", "日本", "JP", {}),  # the level is not known yet: the question is asked
        ("pathway_edu_field", "Công nghệ thông tin", "it", {}),
        ("pathway_edu_field", "介護", "nursing_care", {}),
        ("pathway_edu_field", "Engenharia", "engineering", {}),
        ("pathway_edu_field", "computer science", "it", {}),
        ("pathway_edu_field", "pathway_edu_field:other", "other", {}),
        ("pathway_jp_grad", "はい", True, {}),
        ("pathway_jp_grad", "não", False, {}),
        ("pathway_age", "३२", 32, {}),
        ("pathway_experience", "pathway_experience:0", 0, {"pathway_exp_field": "-"}),
        ("pathway_experience", "không", 0, {"pathway_exp_field": "-"}),
        ("pathway_experience", "5 năm", 5, {}),
        ("pathway_exp_field", "restaurante", "food_service", {}),
        ("pathway_japanese", "JLPT N3", "N3", {}),
        ("pathway_japanese", "JFT-Basic", "jft", {}),
        ("pathway_japanese", "なし", "none", {}),
        ("pathway_ssw_test", "外食", "food_service", {}),
        ("pathway_ssw_test", "không", "none", {}),
        ("pathway_job_field", "pathway_job_field:none", "none", {"pathway_salary": "-"}),
        ("pathway_job_field", "अहिले छैन", "none", {"pathway_salary": "-"}),
        ("pathway_job_field", "IT", "it", {}),
        # "chưa" (not yet) inside "sửa chữa" (repair): still a field, not "no offer".
        ("pathway_job_field", "sửa chữa ô tô", "automobile_repair", {}),
        ("pathway_ssw_test", "sửa chữa ô tô", "automobile_repair", {}),
        ("pathway_salary", "450万", 4_500_000, {}),
        ("pathway_salary", "4,5 milhões", 4_500_000, {}),
        ("pathway_salary", "chưa biết", "-", {}),
        ("pathway_salary", "pathway_salary:-", "-", {}),
    ],
)
def test_answers_are_normalised(
    flows: Flows, conversation_in: Callable[[str], str], slot: str, typed: Any, value: Any, more: dict[str, Any]
) -> None:
    result = check(flows, conversation_in("en"), slot, typed, slots={"pathway_age": 30})
    assert result["valid"] is True, result
    assert result["slots"] == {slot: value, **more}


@pytest.mark.parametrize(
    ("level", "university"),
    [("bachelor", True), ("master", True), ("associate", True), ("upper_secondary", False), ("vocational", False)],
)
def test_highest_education_in_japan_is_a_university_degree_only_at_degree_levels(
    flows: Flows, conversation_in: Callable[[str], str], level: str, university: bool
) -> None:
    """Studying in Japan below a degree (a language school after high school) earns no +10 bonus."""
    result = check(flows, conversation_in("en"), "pathway_edu_country", "Japan", slots={"pathway_edu_level": level})
    assert result["valid"] is True, result
    assert result["slots"] == {"pathway_edu_country": "JP", "pathway_jp_grad": university}


@pytest.mark.parametrize(
    ("language", "slot", "typed", "slots", "expected"),
    [
        ("en", "pathway_edu_field", "basket weaving", {}, 'I could not match "basket weaving" to a field'),
        ("vi", "pathway_ssw_test", "IT", {}, "CNTT và phần mềm"),
        ("pt", "pathway_edu_country", "Brasil", {"pathway_edu_level": "kosen"}, "Japão"),
        ("ja", "pathway_age", "12", {}, "12"),
        ("ne", "pathway_experience", "30", {"pathway_age": 25}, "30"),
        ("vi", "pathway_salary", "450", {}, "4.500.000"),
        ("en", "pathway_mode", "maybe later", {}, "buttons"),
    ],
)
def test_wrong_answers_are_asked_again_in_the_conversations_language(
    flows: Flows,
    conversation_in: Callable[[str], str],
    language: str,
    slot: str,
    typed: str,
    slots: dict[str, Any],
    expected: str,
) -> None:
    result = check(flows, conversation_in(language), slot, typed, slots=slots)
    assert result["valid"] is False and result["slots"][slot] is None
    (reply,) = result["replies"]
    assert expected in reply["text"], reply["text"]
    assert "{" not in reply["text"] and "flow." not in reply["text"]


def test_reasks_differ_by_language(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    texts = {
        language: check(flows, conversation_in(language), "pathway_edu_field", "zzz")["replies"][0]["text"]
        for language in LANGUAGES
    }
    assert len(set(texts.values())) == len(LANGUAGES)


@pytest.mark.parametrize(
    ("slot", "typed"),
    [
        ("pathway_edu_field", "\u202eti\u202c"),  # a bidi override is no field
        ("pathway_edu_field", "x" * 10_000),
        ("pathway_job_field", "<script>alert(1)</script>"),
        ("pathway_age", "9" * 500),
        ("pathway_salary", "9" * 500),
        ("pathway_edu_country", "'; DROP TABLE cases; --"),
    ],
)
def test_hostile_and_oversized_answers_are_reasks(
    flows: Flows, conversation_in: Callable[[str], str], slot: str, typed: str
) -> None:
    result = check(flows, conversation_in("en"), slot, typed)
    assert result["valid"] is False and result["slots"] == {slot: None}
    assert len(result["replies"][0]["text"]) < 400  # the answer is quoted shortened, if at all


def test_a_way_out_leaves_the_pathway_form(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    result = check(flows, conversation_in("vi"), "pathway_edu_field", "dừng", intent="stop")
    assert result["exit"] is True and result["replies"] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_result_in_every_language(flows: Flows, conversation_in: Callable[[str], str], language: str) -> None:
    response = flows("pathways", {"conversation_id": conversation_in(language), "slots": PROFILE})
    assert response.status_code == 200, response.text
    body = response.json()
    text = body["replies"][0]["text"]
    assert "{" not in text and "pathways." not in text and "flow." not in text
    # Every status is listed once, with its knowledge-base page in the conversation's language.
    statuses = [*body["result"]["fits"], *body["result"]["nearly"], *body["result"]["no"]]
    assert len(statuses) == len(pathway_rules()["statuses"])
    for status in statuses:
        topic = pathway_rules()["statuses"][status]["topics"][0]
        assert f"http://127.0.0.1:8000/kb/{language}/{topic}" in text, status
    assert "engineer_humanities" in body["result"]["fits"]


def test_result_names_what_is_missing_and_the_disclaimer(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    body = flows("pathways", {"conversation_id": conversation_in("en"), "slots": COOK}).json()
    assert "ssw1" in body["result"]["nearly"]
    text = body["replies"][0]["text"]
    assert "Nearly fit" in text and "Missing: " in text
    assert "This is guidance, not a decision" in text
    assert body["result"]["offer_points"] is False and len(body["replies"]) == 1


def test_points_are_offered_when_hsp_nearly_fits(flows: Flows, conversation_in: Callable[[str], str]) -> None:
    slots = {**PROFILE, "pathway_edu_level": "master", "pathway_japanese": "N1", "pathway_age": 29}
    body = flows("pathways", {"conversation_id": conversation_in("ja"), "slots": slots}).json()
    assert "hsp" in body["result"]["nearly"] and body["result"]["offer_points"] is True
    offer = body["replies"][1]
    assert [b["payload"] for b in offer["buttons"]] == ["/affirm", "/deny"]
    assert "ポイント" in offer["text"]


@pytest.mark.parametrize(
    ("change", "slot"),
    [
        ({"pathway_age": None}, "pathway_age"),
        ({"pathway_salary": None}, "pathway_salary"),
        ({"pathway_edu_level": "wizard"}, "pathway_edu_level"),
        ({"pathway_edu_country": "vn"}, "pathway_edu_country"),
        ({"pathway_experience": 30, "pathway_age": 25}, "pathway_experience"),
        ({"pathway_job_field": "none", "pathway_salary": 5_000_000}, "pathway_salary"),
        ({"pathway_ssw_test": "basket_weaving"}, "pathway_ssw_test"),
        ({"pathway_age": "30"}, "pathway_age"),
    ],
)
def test_an_inconsistent_profile_is_422_naming_the_slot(
    flows: Flows, conversation_in: Callable[[str], str], change: dict[str, Any], slot: str
) -> None:
    slots = {k: v for k, v in {**PROFILE, **change}.items() if v is not None}
    response = flows("pathways", {"conversation_id": conversation_in("en"), "slots": slots})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "slots", slot]


def test_malformed_result_calls_are_422(flows: Flows) -> None:
    response = flows("pathways", {"conversation_id": "c", "slots": {**PROFILE, "pathway_evil": 1}})
    assert response.status_code == 422
    assert ["body", "slots", "pathway_evil", "[key]"] in [e["loc"] for e in response.json()["detail"]]
    assert flows("pathways", {"conversation_id": "c", "slots": PROFILE}, headers={}).status_code == 401
