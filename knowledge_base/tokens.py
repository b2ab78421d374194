"""Language-aware word tokens for BM25.

- Japanese (any kana or kanji in the text): SudachiPy words in split mode B, normalised forms
  (so 申し込み / 申込み meet), without particles, auxiliaries and punctuation.
- Latin script: lower-case words; a word with diacritics also yields its folded form, because
  Vietnamese and Portuguese users often type without accents ("gia han" for "gia hạn").
- Devanagari: words split on spaces and danda; a word ending in a common Nepali postposition
  (जापानमा, भिसाको, कम्पनीले) also yields its stem, since Nepali attaches them to the noun.
- Function words are dropped in every language, including their romanised and unaccented forms
  ("ko lagi kati", "la gi khong"): every question has them, so they only add noise to BM25,
  most of all over the short example questions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from knowledge_base.romaji import fold_long_vowels, reading_tokens

TOKENIZER_VERSION = 5

_CJK = re.compile(r"[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF66-\uFF9F]")
# Letters, digits and the combining marks that Python's \w leaves out (Devanagari vowel signs and
# virama, Latin combining accents), so that "भिसा" or a decomposed "hạn" stays one word.
_WORD = re.compile(r"[\w\u0300-\u036F\u0900-\u0963\u0966-\u097F]+")
_NEPALI_SUFFIXES = tuple(
    sorted(
        "हरूलाई हरूको हरूमा हरूले हरू हरु लाई बाट देखि सम्म सँग संग भन्दा तिर मा को का की ले".split(),  # noqa: SIM905
        key=len,
        reverse=True,
    )
)
_JA_DROP_POS = frozenset({"助詞", "助動詞", "補助記号", "空白", "記号"})
_STOPWORDS = frozenset(
    """
    a an the of to in on for and or is are be do does i my me you your it this that what how can
    with at by from as if so there r u
    o os as um uma de da do das dos e em no na nos nas para por com que se eu meu minha é
    và của là có cho tôi được không thì với các những một
    la gi co khong ko duoc dc thi cua toi minh nhung cac mot voi va vay a oi nhe
    pra pro ta posso preciso
    ko ka ki lai le ma ra ho cha chha chan chhan huncha hunchha k ke kun mero malai garna garne garnu
    parcha parchha ni pani bhane bhaneko ani yo tyo kati lagi
    को का की लाई ले मा र हो छ छन् हुन्छ के कुन मेरो मलाई गर्न गर्ने पर्छ पनि भनेको यो त्यो कति लागि
    wa ga wo ni tte desu masu ka
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@lru_cache(maxsize=1)
def _sudachi() -> Any:
    from sudachipy import SplitMode, dictionary

    # Mode B: 在留資格 -> 在留 / 資格, so a question about 資格 still meets the article.
    return dictionary.Dictionary(dict="core").tokenizer(mode=SplitMode.B)


def fold(word: str) -> str:
    """Strip diacritics: "hạn" -> "han", "não" -> "nao", "đăng" -> "dang"."""
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _nepali(word: str) -> list[str]:
    for suffix in _NEPALI_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return [word, word[: -len(suffix)]]
    return [word]


def _latin_and_devanagari(text: str) -> list[str]:
    out: list[str] = []
    for word in _WORD.findall(text):
        word = unicodedata.normalize("NFC", word)
        if word in _STOPWORDS:
            continue
        if "\u0900" <= word[0] <= "\u097f":
            out += _nepali(word)
            continue
        out.append(word)
        folded = fold(word)
        if folded != word and folded not in _STOPWORDS:
            out.append(folded)
        # Romanised Japanese ("zairyuu", "koushin"): the long-vowel-folded spelling that the
        # Japanese articles' romaji readings use.
        romaji = fold_long_vowels(folded)
        if romaji not in (word, folded):
            out.append(romaji)
    return out


def _japanese(text: str, romaji: bool) -> list[str]:
    out: list[str] = []
    readings: list[str] = []
    for morpheme in _sudachi().tokenize(text):
        if morpheme.part_of_speech()[0] in _JA_DROP_POS:
            continue
        form = morpheme.normalized_form().lower()
        if form.strip():
            out += _latin_and_devanagari(form) if not _CJK.search(form) else [form]
            # Digits and Latin words stay in the reading stream so "2号" can join into "2go".
            readings.append(morpheme.reading_form() if _CJK.search(form) else form)
    if romaji:
        out += reading_tokens(readings)
    return out


def tokens(text: str, romaji: bool = False) -> list[str]:
    """BM25 tokens for `text`, whatever its language; the script decides the method.

    `romaji=True` (used for indexing articles) adds the romaji readings of Japanese words.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    if _CJK.search(text):
        # Sudachi has an input limit in bytes; queries are cut before this, articles are short.
        return _japanese(text[:10000], romaji)
    return _latin_and_devanagari(text)
