"""Reading typed answers as people write them in five languages: digits in any script, "450万",
"4.5M", "45 lakh", "はい", "không", Japanese era years. Pure functions, no catalogs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

# Text is folded before matching: NFKC (full-width → ASCII), case-folded, Latin diacritics removed
# (so "Việt Nam" and "viet nam" meet), đ → d. Devanagari and kana keep their marks: they carry meaning.
_LATIN_MARKS = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFC", _LATIN_MARKS.sub("", decomposed)).replace("đ", "d")


def ascii_digits(text: str) -> str:
    """Any Unicode decimal digit (Devanagari ४, full-width ４) as its ASCII digit."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def compact(text: str) -> str:
    """Folded, with spaces and punctuation removed: the key names and keywords are matched on."""
    return "".join(ch for ch in fold(text) if ch.isalnum() or unicodedata.category(ch) in {"Mn", "Mc"})


HUGE = 1e18
_NUMBER = re.compile(r"(?<![\d.,])([-−]?)(\d+(?:[.,\s]\d+)*)")


@dataclass(frozen=True)
class Number:
    value: float
    negative: bool
    end: int  # index in the normalised text just after the number, where a unit may follow


def _to_float(raw: str) -> float | None:
    raw = raw.replace(" ", ",")
    commas, dots = raw.count(","), raw.count(".")
    if commas and dots:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        raw = raw.replace(thousands, "").replace(decimal, ".")
    elif commas + dots == 1:
        separator = "," if commas else "."
        head, tail = raw.split(separator)
        # One separator followed by exactly three digits groups thousands ("4,500"); otherwise it
        # is a decimal point, in either convention ("4.5M", "4,5 milhões").
        raw = head + tail if len(tail) == 3 else f"{head}.{tail}"
    elif commas + dots > 1:
        separator = "," if commas else "."
        parts = raw.split(separator)
        if any(len(part) != 3 for part in parts[1:]):
            return None
        raw = "".join(parts)
    try:
        return float(raw)
    except ValueError:
        return None


def first_number(text: str) -> Number | None:
    normalised = ascii_digits(unicodedata.normalize("NFKC", text))
    match = _NUMBER.search(normalised)
    if match is None:
        return None
    value = _to_float(match.group(2).strip())
    if value is None:
        return None
    # Thousands of typed nines overflow a float: any number this large is absurd, and the checks say so.
    return Number(min(value, HUGE), bool(match.group(1)), match.end())


def whole_number(text: str) -> int | None:
    """The one number in an answer like "25", "25 tuổi", "２５歳", "I'm 25"; None without digits.

    A fraction is cut to whole years ("2.5 years" is two full years, as the points table counts them).
    """
    number = first_number(text)
    if number is None:
        return None
    return -int(number.value) if number.negative else int(number.value)


# Japanese era names, so "平成30年" is 2018. The first year of an era is written 元年.
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "reiwa": 2018, "heisei": 1988, "showa": 1925}
_ERA = re.compile(r"(令和|平成|昭和|reiwa|heisei|showa)\s*(元|\d{1,2})")


def year(text: str) -> int | None:
    normalised = ascii_digits(unicodedata.normalize("NFKC", text)).casefold()
    era = _ERA.search(normalised)
    if era:
        offset = 1 if era.group(2) == "元" else int(era.group(2))
        return _ERAS[era.group(1)] + offset
    match = re.search(r"(?<!\d)(\d{4})(?!\d)", normalised)
    if match:
        return int(match.group(1))
    number = whole_number(normalised)
    return number


# Bikram Sambat, Nepal's official calendar, runs about 56 years 8 months ahead of the Gregorian one:
# a BS year starts in mid-April, so 2077 BS is April 2020 to April 2021. A four-digit year this far
# ahead of today can only be BS; it is read as the AD year it mostly falls in (BS − 57).
BS_OFFSET = 57
_BS_MARKERS = ("बि.सं", "वि.सं", "बिसं", "विसं", "bs", "b.s", "bikram", "sambat", "साल")


@dataclass(frozen=True)
class BsYear:
    bs: int
    ad: int


def bikram_sambat(text: str, this_year: int) -> BsYear | None:
    """A Bikram Sambat year ("२०७७ साल", "2077 BS") as its AD year; None for anything else.

    Read as BS when the text says so or when the year lies 40–70 years ahead of `this_year`
    (the gap between the calendars is 56–57): no one finished a programme in 2077 AD."""
    found = year(text)
    if found is None:
        return None
    folded = fold(text)
    marked = any(marker in folded for marker in _BS_MARKERS) and found > this_year
    if marked or this_year + 40 <= found <= this_year + 70:
        return BsYear(found, found - BS_OFFSET)
    return None


# How often an amount is paid, as people write it after the amount (folded): "३ लाख महिनाको",
# "30 man một tháng", "月給25万", "R$ 5 mil por mês", "300k per month", "300,000/month".
_MONTHLY = (
    "महिना", "mahina", "masik", "मासिक", "thang", "月給", "月収", "/月", "毎月", "ひと月", "一か月", "1か月",
    "per month", "a month", "/month", "/mo", "monthly", "each month", "every month", "por mes", "ao mes", "mensal",
    "mensais",
)  # fmt: skip
_YEARLY = (
    "वर्ष", "बर्ष", "वार्षिक", "barsa", "barsha", "nam", "年収", "年俸", "/年", "毎年", "per year", "a year", "/year",
    "/yr", "yearly", "annual", "annually", "por ano", "ao ano", "anual", "anuais",
)  # fmt: skip
_LONE_MONTH = re.compile(r"(?<![年])月(?!曜)")


def salary_period(text: str) -> str | None:
    """ "month" or "year" when the answer says how often the amount is paid; None when it does not."""
    folded = fold(text)
    words = set(re.split(r"[\s,.;:!?]+", folded))

    # "nam" (năm, year) and "thang" (tháng, month) only as words: "Nam" is also a name, and both
    # hide inside other words.
    def says(markers: tuple[str, ...]) -> bool:
        return any(m in words if m.isalpha() and m.isascii() and " " not in m else m in folded for m in markers)

    if says(_MONTHLY) or _LONE_MONTH.search(folded.replace("年月", "")):
        return "month"
    if says(_YEARLY) or "年" in folded:
        return "year"
    return None


# Multipliers written after an amount. Japanese units multiply in sequence ("4百万" = 4 × 100 × 10,000).
_UNITS: tuple[tuple[str, int], ...] = (
    ("milhoes", 1_000_000),
    ("milhao", 1_000_000),
    ("million", 1_000_000),
    ("millions", 1_000_000),
    ("mio", 1_000_000),
    ("trieu", 1_000_000),
    ("मिलियन", 1_000_000),
    ("करोड", 10_000_000),
    ("crore", 10_000_000),
    ("लाख", 100_000),
    ("lakh", 100_000),
    ("lac", 100_000),
    ("हजार", 1_000),
    ("hajar", 1_000),
    ("hazar", 1_000),
    ("thousand", 1_000),
    ("nghin", 1_000),
    ("ngan", 1_000),
    ("mil", 1_000),
    ("man", 10_000),
    ("oku", 100_000_000),
    ("億", 100_000_000),
    ("万", 10_000),
    ("萬", 10_000),
    ("千", 1_000),
    ("百", 100),
    ("m", 1_000_000),
    ("k", 1_000),
)
_CURRENCY = re.compile(r"[¥￥円]|yen|jpy|en\b")


@dataclass(frozen=True)
class Amount:
    yen: int
    negative: bool
    had_unit: bool


def amount(text: str) -> Amount | None:
    """An amount of yen from "4,500,000", "450万円", "4.5M", "4,5 milhões", "45 lakh"; None without digits."""
    number = first_number(text)
    if number is None:
        return None
    rest = fold(ascii_digits(unicodedata.normalize("NFKC", text)))[number.end :]
    rest = _CURRENCY.sub(" ", rest).lstrip()
    value = number.value
    had_unit = False
    while rest:
        for unit, factor in _UNITS:
            if rest.startswith(unit) and (not unit.isascii() or not rest[len(unit) : len(unit) + 1].isalpha()):
                value *= factor
                rest = rest[len(unit) :].lstrip()
                had_unit = True
                break
        else:
            break
    return Amount(round(min(value, HUGE)), number.negative, had_unit)


# Yes and no, as typed in the five languages (folded). Buttons and NLU's affirm/deny cover most
# answers; these catch the rest when a yes/no question gets a typed word.
YES = frozenset({
    "yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "agree", "iagree", "correct", "true",
    "はい", "うん", "ええ", "ある", "あります", "同意", "同意します", "持っています",
    "co", "vang", "da", "u", "uh", "dung", "roi", "codong", "codongy", "dongy",
    "हो", "हजुर", "ho", "hajur", "cha", "छ", "सहमत",
    "sim", "s", "claro", "tenho", "concordo", "concordosim", "aceito",
})  # fmt: skip
NO = frozenset({
    "no", "n", "nope", "nah", "none", "false", "disagree", "idisagree",
    "いいえ", "いや", "ない", "なし", "ありません", "持っていません", "同意しない", "同意しません",
    "khong", "ko", "k", "chua", "khongco", "khongdongy",
    "होइन", "छैन", "hoina", "chaina", "असहमत",
    "nao", "naotenho", "nenhum", "nenhuma", "naoconcordo",
})  # fmt: skip


# Emoji answers. 🙏 (please, thanks) and 🤔 say neither: they are re-asked.
YES_EMOJI = frozenset("👍👌✅🙆⭕🆗✔☑💯")
NO_EMOJI = frozenset("👎🙅❌✖⛔🚫")
_EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u200d]")
# Words that add nothing to a yes or no ("có ạ", "yes please", "はい、お願いします").
_FILLERS = frozenset({
    "a", "please", "pls", "plz", "thanks", "of", "course", "sure", "i", "do", "nhe", "nha", "a.", "chu", "desu",
    "onegaishimasu", "お願いします", "です", "por", "favor", "obrigado", "obrigada", "छ", "हजुर",
})  # fmt: skip


def emoji_yes_no(text: str) -> bool | None:
    """👍 or 👎 alone (any skin tone); None for anything else."""
    marks = set(_EMOJI_MODIFIERS.sub("", text).replace(" ", ""))
    if marks and marks <= YES_EMOJI:
        return True
    if marks and marks <= NO_EMOJI:
        return False
    return None


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def yes_no(text: str) -> bool | None:
    """Yes, no or None, from a typed answer: "yes", "có ạ", "はい、お願いします", "👎", "yes i agree"."""
    key = compact(text)
    if key in YES:
        return True
    if key in NO:
        return False
    if not has_letters(text):
        return emoji_yes_no(text)
    tokens = [compact(token) for token in re.split(r"[\s,、。.!！]+", text) if compact(token)]
    if not tokens or tokens[0] not in YES | NO:
        return None
    # "yes i agree", "no thanks": the first word answers; any no-word after a yes makes it unclear.
    rest = [t for t in tokens[1:] if t not in _FILLERS]
    if tokens[0] in NO:
        return False
    return True if not any(t in NO for t in rest) else None


def keyword(text: str, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The value whose keyword the answer is or contains; exact matches first, then the longest keyword."""
    key = compact(text)
    if not key:
        return None
    for value, words in table.items():
        if key in (compact(word) for word in words):
            return value
    best: tuple[int, str] | None = None
    for value, words in table.items():
        for word in words:
            folded = compact(word)
            if len(folded) >= min_keyword_length(folded) and folded in key and (best is None or len(folded) > best[0]):
                best = (len(folded), value)
    if best:
        return best[1]
    return _short_token(text, table)


_HAN_OR_KATAKANA = re.compile(r"[\u3400-\u9fff\u30a0-\u30ff]")


def min_keyword_length(folded: str) -> int:
    """Three letters make a keyword specific enough to find inside an answer; two kanji or katakana
    already do ("就職のためです", "一部だけあります"), two hiragana do not (ない is in わからない)."""
    return 2 if _HAN_OR_KATAKANA.search(folded) else 3


def _short_token(text: str, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """A short keyword ("N2", "b", "it") standing as a word of its own in a sentence ("tenho o N2",
    "kỹ sư IT, chắc là b"). Yes/no words are left out ("passei no N4" is N4, not "no"); two different
    values found make the answer unclear."""
    tokens = {compact(token) for token in re.split(r"[\s,、。.!！?？/()]+", text)} - {""} - YES - NO
    found = {value for value, words in table.items() for word in words if compact(word) in tokens}
    return found.pop() if len(found) == 1 else None


_QUESTION_MARK = re.compile(r"[?？؟]")


def has_question_mark(text: str) -> bool:
    return bool(_QUESTION_MARK.search(text))


def printable(text: str) -> bool:
    """No control or format characters (bidi overrides, zero-width joiners smuggled into names)."""
    return not any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in text)


def shorten(text: str, limit: int = 40) -> str:
    """A user's answer quoted back in a re-ask: one line, and short."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# Ways out of a form, typed (api/chat_flows/words.py reads them as STOP; the advisor desk too, while a
# form waits for a person).
STOP_WORDS = (
    "stop", "stop it", "stop please", "please stop", "cancel", "cancel it", "cancel this", "cancel that", "quit",
    "exit", "abort", "never mind", "forget it", "enough", "end",
    "やめる", "やめます", "やめたい", "やめて", "止めて", "とめて", "ストップ", "キャンセル", "キャンセルで",
    "キャンセルします", "中止", "中止して", "中止します", "終了", "終わり", "取り消し", "取り消して", "もういい",
    "yameru", "yamete", "yamemasu", "sutoppu", "kyanseru",
    "dung", "dung lai", "dung di", "dung nhe", "huy", "huy bo", "huy di", "thoat", "thoat ra", "ngung", "ngung lai",
    "ket thuc", "thoi",
    "रोक्नुहोस्", "रोक", "रोक्नुस्", "रोकौँ", "रद्द", "रद्द गर्नुहोस्", "बन्द गर्नुहोस्", "roknus", "rok", "roka",
    "rokau", "radda", "radda garnus", "banda garnus", "cancel garnus", "stop garnus",
    "parar", "pare", "para", "para por favor", "cancelar", "cancela", "sair", "desisto", "chega", "interromper",
    "encerrar", "esquece", "esquece isso",
)  # fmt: skip
_STOP_KEYS = frozenset(compact(phrase) for phrase in STOP_WORDS)


def is_stop(text: str) -> bool:
    """A typed stop or cancel in any of the five languages ("stop", "キャンセル", "dừng lại")."""
    return compact(text) in _STOP_KEYS
