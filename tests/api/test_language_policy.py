"""Language identification (script, lexicon, model) and the sticky per-conversation policy."""

from __future__ import annotations

import pytest

from api.conversations import language_policy
from api.conversations.models import LanguageSource
from knowledge_base.language import detect, normalise_locale


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ビザを更新したいです", "ja"),
        ("在留資格", "ja"),
        ("मलाई भिसाबारे जान्नु छ", "ne"),
        ("Tôi muốn hỏi về visa", "vi"),
        ("cho minh hoi ve visa ky nang dac dinh", "vi"),
        ("visa renew garna paryo", "ne"),
        ("biza koushin shitai desu", "ja"),
        ("Quero saber como renovar meu visto", "pt"),
        ("How do I renew my visa in Japan?", "en"),
    ],
)
def test_detects_the_five_languages(text: str, expected: str) -> None:
    assert detect(text).language == expected


@pytest.mark.parametrize(
    "text",
    [
        # Unaccented Vietnamese that is mostly English or Japanese terms: its few Vietnamese words decide.
        "NIC Japan lam gi",
        "visa J-Find danh cho ai",
        "tokutei ginou 2 bao nhieu nam",
        "bang senmonshi co duoc khong",
        "COE mat bao lau",
    ],
)
def test_unaccented_vietnamese_by_its_words(text: str) -> None:
    assert detect(text).language == "vi"


@pytest.mark.parametrize(
    "text",
    [
        # The same few words in our other languages do not count: their function words veto.
        "can I get the visa in Japan",
        "o que é o visto de trabalho",
        "visa renew garna kati din lagcha",
        "biza no koushin wa dou suru",
        "oi oi",
    ],
)
def test_vietnamese_words_rule_does_not_take_other_languages(text: str) -> None:
    assert detect(text).language != "vi"


@pytest.mark.parametrize(
    ("text", "foreign"), [("我想了解日本的签证申请流程和要求", "zh"), ("비자를 연장하고 싶어요", "ko")]
)
def test_other_languages_are_named_not_guessed(text: str, foreign: str) -> None:
    detection = detect(text)
    assert detection.language is None and detection.foreign == foreign


@pytest.mark.parametrize("text", ["", "   ", "12345", "🙂🙂", "!!!"])
def test_no_signal(text: str) -> None:
    assert detect(text).language is None


def test_locales_normalise() -> None:
    assert normalise_locale("pt-BR") == "pt"
    assert normalise_locale("vi_VN") == "vi"
    assert normalise_locale("zh-CN") is None
    assert normalise_locale(None) is None


def test_initial_language_precedence() -> None:
    assert language_policy.initial_language("ja", "pt") == ("ja", LanguageSource.EXPLICIT)
    assert language_policy.initial_language(None, "pt-BR") == ("pt", LanguageSource.CHANNEL)
    assert language_policy.initial_language("klingon", None) == ("en", LanguageSource.DEFAULT)


def test_short_messages_do_not_flip() -> None:
    for text in ("ok", "yes", "thanks!", "hi"):
        decision = language_policy.decide("ne", LanguageSource.DETECTED, text)
        assert decision.language == "ne" and not decision.changed


def test_strong_evidence_flips_detected_and_hinted() -> None:
    for source in (LanguageSource.DETECTED, LanguageSource.CHANNEL):
        decision = language_policy.decide("en", source, "Tôi muốn gia hạn visa")
        assert decision.language == "vi" and decision.changed


def test_explicit_choice_sticks() -> None:
    decision = language_policy.decide("en", LanguageSource.EXPLICIT, "Tôi muốn gia hạn visa")
    assert decision.language == "en" and not decision.changed


def test_default_takes_the_first_real_signal() -> None:
    decision = language_policy.decide("en", LanguageSource.DEFAULT, "Olá, tudo bem?")
    assert decision.language == "pt" and decision.source is LanguageSource.DETECTED


def test_choose_rejects_unknown() -> None:
    with pytest.raises(ValueError):
        language_policy.choose("xx")


def test_latin_script_needs_a_sentence_to_flip() -> None:
    assert not language_policy.decide("vi", LanguageSource.DETECTED, "arigatou gozaimashita ad").changed
    decision = language_policy.decide("en", LanguageSource.DETECTED, "Quero saber como renovar meu visto")
    assert decision.language == "pt" and decision.changed


def test_a_short_katakana_name_does_not_flip_an_established_language() -> None:
    # A Vietnamese user answering "which country?" with the Japanese name of Nepal stays in Vietnamese.
    for text in ("ネパール", "ベトナム", " エンジニア "):
        decision = language_policy.decide("vi", LanguageSource.DETECTED, text)
        assert decision.changed is False and decision.language == "vi", text
    # A real Japanese sentence still does, and so does a long katakana-only phrase.
    assert language_policy.decide("vi", LanguageSource.DETECTED, "ネパールで働きたいです").language == "ja"
    assert language_policy.decide("vi", LanguageSource.CHANNEL, "ソフトウェアエンジニアリング").language == "ja"


def test_a_typed_no_keeps_an_english_conversation_english() -> None:
    # Issue #20, defect 0: the default was English, the first sentence agreed, and "No" (which the
    # character model calls Japanese) then flipped the conversation to Japanese.
    first = language_policy.decide("en", LanguageSource.DEFAULT, "Hello, I have a question about visas")
    assert first.language == "en" and first.source is LanguageSource.DETECTED
    for text in ("No", "no", "ok", "vn", "co"):
        decision = language_policy.decide(first.language, first.source, text)
        assert decision.language == "en" and not decision.changed, text


def test_a_bare_yes_or_no_never_sets_the_language() -> None:
    for text in ("No", "ok", "sim"):
        assert not language_policy.decide("en", LanguageSource.DEFAULT, text).changed
    # A one-word greeting, or a word in a script only one of our languages writes, still does.
    assert language_policy.decide("en", LanguageSource.DEFAULT, "oi").language == "pt"
    assert language_policy.decide("en", LanguageSource.DEFAULT, "नमस्ते").language == "ne"
    assert language_policy.decide("en", LanguageSource.DEFAULT, "学歴評価").language == "ja"
