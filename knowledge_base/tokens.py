"""Language-aware word tokens for BM25.

- Japanese (kana and kanji are at least half the letters): SudachiPy words in split mode B,
  normalised forms (so 申し込み / 申込み meet), without particles, auxiliaries and punctuation.
  Another language quoting a Japanese term ("बसोबास हैसियत (在留資格)", "visto (在留資格)") gives
  only its Japanese runs to Sudachi: given the whole text, Sudachi dropped every Devanagari word and
  turned "visa" into "ビザ", so a Nepali article with a kanji in its title lost all its words.
- Latin script: lower-case words; a word with diacritics also yields its folded form, because
  Vietnamese and Portuguese users often type without accents ("gia han" for "gia hạn").
- Devanagari: words split on spaces and danda; a word ending in a common Nepali postposition
  (जापानमा, भिसाको, कम्पनीले) also counts as its stem, since Nepali attaches them to the noun.
  Devanagari digits become ASCII ones ("२" -> "2"): Nepali users type either, and the articles
  mostly write "SSW 2", "N2", "5 वर्ष".
- Nepali in either script: Nepali users write Devanagari or romanise it, each their own way
  ("barsa", "barsha", "varsa" for वर्ष; "bhisa", "visa" for भिसा). A Devanagari word is indexed by
  its sound key ("~bars"): the word transliterated, aspiration and vowel length dropped, v/w as b,
  doubled letters single, a final "a" cut (one key per spelling, so the word counts as much as a
  number or an acronym beside it). Every Latin word of a text known to be Nepali (`nepali=True`:
  Nepali articles and example questions, a query identified as Nepali) also yields its key. So a
  romanised question meets the Devanagari article, and a Devanagari question the romanised examples.
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

TOKENIZER_VERSION = 6

_CJK = re.compile(r"[\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF66-\uFF9F]")
# A run of Japanese: a kana or kanji, then more of them with the digits written inside ("特定技能2号").
_CJK_RUN = re.compile(
    r"([\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF66-\uFF9F][0-9\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uFF66-\uFF9F]*)"
)
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
# Devanagari letters in the romanisation Nepali users type (before the sound key folds it further).
_CONSONANTS = dict(
    zip(
        "कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसह",
        "k kh g gh ng ch chh j jh n t th d dh n t th d dh n p ph b bh m y r l v sh sh s h".split(),  # noqa: SIM905
        strict=True,
    )
)
_CONSONANTS.update({"क़": "k", "ख़": "kh", "ग़": "g", "ज़": "z", "ड़": "r", "ढ़": "rh", "फ़": "f", "य़": "y"})
_VOWELS = dict(zip("अआइईउऊऋएऐओऔ", "a aa i ii u uu ri e ai o au".split(), strict=True))  # noqa: SIM905
_VOWEL_SIGNS = dict(zip("ािीुूृेैोौॅॉ", "aa i ii u uu ri e ai o au e o".split(), strict=True))  # noqa: SIM905
_VIRAMA, _NUKTA = "\u094d", "\u093c"
_ASPIRATED = re.compile(r"([bcdgjkpst])h+")
_ROMAN_POSTPOSITIONS = ("harulai", "haruko", "haru", "lai", "bata", "dekhi", "samma", "sanga", "ma", "ko", "le")
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
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


def transliterate(word: str, drop_schwa: bool = False) -> str:
    """A Devanagari word in plain Latin letters: "भिसा" -> "bhisaa", "वर्ष" -> "varsha".

    A consonant carries an inherent "a" unless a vowel sign or virama follows. Loanwords are often
    spelt without the virama and read without that "a" ("सेन्मोनशी", senmonshi): `drop_schwa`
    drops the final inherent "a", then, right to left, one between a vowel and a consonant that has
    its own vowel.
    """
    units: list[list[str]] = []  # [consonant or "", vowel, "inherent" | "written"]
    for ch in unicodedata.normalize("NFC", word).replace(_NUKTA, ""):
        if ch in _VOWEL_SIGNS or ch == _VIRAMA:
            if units and units[-1][2] == "inherent":
                units[-1][1:] = [_VOWEL_SIGNS.get(ch, ""), "written"]
        elif ch in _CONSONANTS:
            units.append([_CONSONANTS[ch], "a", "inherent"])
        elif ch in _VOWELS:
            units.append(["", _VOWELS[ch], "written"])
        elif ch == "\u0902" and units:  # anusvara; chandrabindu and visarga go unwritten in roman
            units[-1][1] += "n"
        elif ch.isascii() and ch.isalnum():
            units.append([ch, "", "written"])
    if drop_schwa:
        if units and units[-1][2] == "inherent":
            units[-1][1] = ""
        for n in range(len(units) - 2, 0, -1):
            before, unit, after = units[n - 1], units[n], units[n + 1]
            if unit[2] == "inherent" and unit[1] == "a" and before[1] and after[0] and after[1]:
                unit[1] = ""
    return "".join(c + v for c, v, _ in units)


def sound_key(word: str) -> str:
    """The spelling-independent key of a romanised (or transliterated) Nepali word, "~" prefixed
    so it never meets an ordinary word: "bhisa", "visa", "भिसा" -> "~bis"."""
    key = fold(word.lower())
    key = _ASPIRATED.sub(r"\1", key).replace("v", "b").replace("w", "b").replace("f", "p").replace("z", "j")
    key = re.sub(r"(.)\1+", r"\1", key).replace("ou", "o")
    if len(key) > 2 and key.endswith("a"):
        key = key[:-1]
    return "~" + key


def _sound_keys(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if "\u0900" <= word[0] <= "\u097f":
            keys = [sound_key(transliterate(word)), sound_key(transliterate(word, drop_schwa=True))]
        else:
            keys = [sound_key(word)]
        for key in keys:
            if len(key) > 3 and key not in out:
                out.append(key)
    return out


def _roman_stem(word: str) -> list[str]:
    """Romanised Nepali attaches postpositions too ("japanma", "nepalko"): the stem as well."""
    for suffix in _ROMAN_POSTPOSITIONS:
        if word.endswith(suffix) and len(word) >= len(suffix) + 3 and word.isascii():
            return [word, word[: -len(suffix)]]
    return [word]


def _latin_and_devanagari(text: str, nepali: bool = False) -> list[str]:
    out: list[str] = []
    for word in _WORD.findall(text):
        word = unicodedata.normalize("NFC", word)
        if word in _STOPWORDS:
            continue
        if "\u0900" <= word[0] <= "\u097f":
            forms = _nepali(word)
            out += _sound_keys(forms) or forms
            continue
        if nepali and word.isalpha():
            out += _sound_keys(_roman_stem(word))
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


def _japanese(text: str, romaji: bool, nepali: bool = False) -> list[str]:
    out: list[str] = []
    readings: list[str] = []
    for morpheme in _sudachi().tokenize(text):
        if morpheme.part_of_speech()[0] in _JA_DROP_POS:
            continue
        form = morpheme.normalized_form().lower()
        if form.strip():
            out += _latin_and_devanagari(form, nepali) if not _CJK.search(form) else [form]
            # Digits and Latin words stay in the reading stream so "2号" can join into "2go".
            readings.append(morpheme.reading_form() if _CJK.search(form) else form)
    if romaji:
        out += reading_tokens(readings)
    return out


def tokens(text: str, romaji: bool = False, nepali: bool = False) -> list[str]:
    """BM25 tokens for `text`, whatever its language; the script decides the method.

    `romaji=True` (used for indexing articles) adds the romaji readings of Japanese words;
    `nepali=True` (the text is Nepali) adds sound keys of its Latin-script words too.
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_DEVANAGARI_DIGITS)
    cjk = len(_CJK.findall(text))
    if not cjk:
        return _latin_and_devanagari(text, nepali)
    letters = sum(1 for ch in text if ch.isalpha())
    if cjk >= 0.5 * letters:
        # Sudachi has an input limit in bytes; queries are cut before this, articles are short.
        return _japanese(text[:10000], romaji, nepali)
    # Another language quoting a Japanese term ("बसोबास हैसियत (在留資格)"): Sudachi reads only the
    # Japanese runs. Given the whole text it drops Devanagari and turns "visa" into "ビザ".
    out: list[str] = []
    for n, part in enumerate(_CJK_RUN.split(text)):
        out += _japanese(part, romaji, nepali) if n % 2 else _latin_and_devanagari(part, nepali)
    return out
