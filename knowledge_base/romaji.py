"""Katakana readings to a loose Hepburn romaji, so romanised Japanese questions meet Japanese articles.

Many users type "zairyuu shikaku henkou" or "tokutei ginou"; the Japanese articles index their
Sudachi readings in romaji as extra BM25 tokens. Long vowels are folded on both sides ("zairyuu",
"zairyu" and "zairyū" all become "zairyu"), because users spell them every way.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

_BASE = {
    "ア": "a", "イ": "i", "ウ": "u", "エ": "e", "オ": "o",
    "カ": "ka", "キ": "ki", "ク": "ku", "ケ": "ke", "コ": "ko",
    "ガ": "ga", "ギ": "gi", "グ": "gu", "ゲ": "ge", "ゴ": "go",
    "サ": "sa", "シ": "shi", "ス": "su", "セ": "se", "ソ": "so",
    "ザ": "za", "ジ": "ji", "ズ": "zu", "ゼ": "ze", "ゾ": "zo",
    "タ": "ta", "チ": "chi", "ツ": "tsu", "テ": "te", "ト": "to",
    "ダ": "da", "ヂ": "ji", "ヅ": "zu", "デ": "de", "ド": "do",
    "ナ": "na", "ニ": "ni", "ヌ": "nu", "ネ": "ne", "ノ": "no",
    "ハ": "ha", "ヒ": "hi", "フ": "fu", "ヘ": "he", "ホ": "ho",
    "バ": "ba", "ビ": "bi", "ブ": "bu", "ベ": "be", "ボ": "bo",
    "パ": "pa", "ピ": "pi", "プ": "pu", "ペ": "pe", "ポ": "po",
    "マ": "ma", "ミ": "mi", "ム": "mu", "メ": "me", "モ": "mo",
    "ヤ": "ya", "ユ": "yu", "ヨ": "yo",
    "ラ": "ra", "リ": "ri", "ル": "ru", "レ": "re", "ロ": "ro",
    "ワ": "wa", "ヰ": "i", "ヱ": "e", "ヲ": "o", "ン": "n", "ヴ": "vu",
    "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o",
}  # fmt: skip
_SMALL_Y = {"ャ": "a", "ュ": "u", "ョ": "o"}
_LONG = re.compile(r"([aeiou])\1+|ou")


def fold_long_vowels(word: str) -> str:
    """ "zairyuu" / "zairyū" -> "zairyu", "koushin" -> "koshin", "oo" -> "o"."""
    word = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return _LONG.sub(lambda m: "o" if m.group(0) == "ou" else m.group(1), word)


def katakana_to_romaji(reading: str) -> str:
    out: list[str] = []
    double_next = False
    for ch in reading:
        if ch == "ッ":
            double_next = True
            continue
        if ch in _SMALL_Y and out:
            prev = out.pop()
            # キャ -> kya, シャ -> sha, チャ -> cha, ジャ -> ja
            stem = prev[:-1] if prev.endswith("i") else prev
            syllable = stem + ("" if stem.endswith(("sh", "ch", "j")) else "y") + _SMALL_Y[ch]
        elif ch == "ー":
            syllable = out[-1][-1] if out and out[-1] else ""
        elif ch in _BASE:
            syllable = _BASE[ch]
        else:
            syllable = ch.lower() if ch.isascii() and ch.isalnum() else ""
        if double_next and syllable and syllable[0] not in "aeiou":
            syllable = syllable[0] + syllable
        double_next = False
        out.append(syllable)
    return "".join(out)


def reading_tokens(readings: list[str]) -> list[str]:
    """Romaji of each word, plus joined neighbours ("gi"+"jin"+"koku" -> "gijinkoku"): users write
    compounds as one word where Sudachi splits them."""
    words = [fold_long_vowels(katakana_to_romaji(r)) for r in readings]
    words = [w for w in words if w]
    out = list(words)
    out += [a + b for a, b in pairwise(words)]
    out += [a + b + c for a, b, c in zip(words, words[1:], words[2:], strict=False)]
    return out
