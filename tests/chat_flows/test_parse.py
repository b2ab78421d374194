"""Typed answers as people write them, in the five languages (pure functions, no app)."""

from __future__ import annotations

import pytest

from api.chat_flows.places import find_country, find_language
from api.core import parse


@pytest.mark.parametrize(
    ("text", "yen"),
    [
        ("4,500,000", 4_500_000),
        ("4.500.000", 4_500_000),
        ("4 500 000", 4_500_000),
        ("450万", 4_500_000),
        ("４５０万円", 4_500_000),
        ("年収450万円です", 4_500_000),
        ("4百万", 4_000_000),
        ("1千万", 10_000_000),
        ("4.5M", 4_500_000),
        ("6.5 million yen", 6_500_000),
        ("4,5 milhões", 4_500_000),
        ("4500 mil", 4_500_000),
        ("4.5 triệu", 4_500_000),
        ("45 lakh", 4_500_000),
        ("४५ लाख", 4_500_000),
        ("¥4,500,000", 4_500_000),
        ("800k", 800_000),
        ("12,000,000 yen/year", 12_000_000),
    ],
)
def test_amounts(text: str, yen: int) -> None:
    found = parse.amount(text)
    assert found is not None and found.yen == yen and not found.negative


def test_amount_edge_cases() -> None:
    assert parse.amount("nothing here") is None
    negative = parse.amount("-4500000")
    assert negative is not None and negative.negative
    bare = parse.amount("450")
    assert bare is not None and bare.yen == 450 and not bare.had_unit


@pytest.mark.parametrize(
    ("text", "number"),
    [("25", 25), ("25 tuổi", 25), ("２５歳", 25), ("I'm 25", 25), ("२५ वर्ष", 25), ("-3", -3), ("2.5 years", 2)],
)
def test_whole_numbers(text: str, number: int) -> None:
    assert parse.whole_number(text) == number


def test_words_are_not_numbers() -> None:
    assert parse.whole_number("twenty") is None
    assert parse.whole_number("hai mươi lăm") is None


@pytest.mark.parametrize(("text", "year"), [("2015", 2015), ("2015年", 2015), ("平成30年", 2018), ("令和元年", 2019)])
def test_years(text: str, year: int) -> None:
    assert parse.year(text) == year


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        *[("yes", True), ("はい", True), ("Có", True), ("हो", True), ("sim", True), ("OK!", True)],
        *[("no", False), ("いいえ", False), ("không", False), ("hoina", False), ("Não", False), ("maybe", None)],
    ],
)
def test_yes_no(text: str, answer: bool | None) -> None:
    assert parse.yes_no(text) is answer


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Việt Nam", "VN"),
        ("viet nam", "VN"),
        ("ベトナムです", "VN"),
        ("ネパール", "NP"),
        ("नेपाल", "NP"),
        ("Brasil", "BR"),
        ("I studied in Nepal", "NP"),
        ("Tôi học ở Việt Nam", "VN"),
        ("日本", "JP"),
        ("Mỹ", "US"),
        ("usa", "US"),
        ("Alemanha", "DE"),
        ("VN", "VN"),
    ],
)
def test_countries_in_five_languages(text: str, code: str) -> None:
    assert find_country(text) == code


@pytest.mark.parametrize("text", ["no", "in", "woman", "xyz", "", "   "])
def test_words_that_are_not_countries(text: str) -> None:
    assert find_country(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tiếng Việt", "vi"),
        ("English", "en"),
        ("ネパール語", "ne"),
        ("inglês", "en"),
        ("日本語", "ja"),
        ("Spanish", "es"),
    ],
)
def test_language_names(text: str, code: str) -> None:
    assert find_language(text) == code


def test_control_characters_are_not_printable() -> None:
    assert parse.printable("Nguyễn Văn An")
    assert not parse.printable("An\u202eevil")  # right-to-left override
    assert not parse.printable("An\x00")
