"""Language identification restricted to Kakehashi's five languages.

Script rules come first because they are certain where a statistical model is not: Devanagari is
Nepali here, kana is Japanese, Vietnamese-only letters are Vietnamese, Hangul and kana-less Han are
languages we do not speak. Latin text goes to langid restricted to the Latin-script languages, after
a small lexicon of romanised Nepali and Japanese words that no statistical model knows.

Both the api (conversation language) and the knowledge base (query language) use this module.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

LANGUAGES: tuple[str, ...] = ("ja", "en", "vi", "ne", "pt")
DEFAULT_LANGUAGE = "en"

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_KANA = re.compile(r"[\u3040-\u30FF\u31F0-\u31FF\uFF66-\uFF9F]")
_HAN = re.compile(r"[\u4E00-\u9FFF\u3400-\u4DBF]")
_HANGUL = re.compile(r"[\uAC00-\uD7AF\u1100-\u11FF\u3130-\u318F]")
# Letters that exist in Vietnamese and in none of our other Latin-script languages:
# ă đ ơ ư and the precomposed tone-marked vowels of Latin Extended Additional.
_VIETNAMESE = re.compile(r"[ăđơưĂĐƠƯ\u1EA0-\u1EF9]")
_LATIN_WORD = re.compile(r"[a-zA-Z\u00C0-\u024F]+")

# Romanised words with a strong, unambiguous signal. Kept short on purpose: each entry must be a
# word that English and Portuguese speakers do not write.
_ROMANISED: dict[str, frozenset[str]] = {
    "ne": frozenset(
        """
        garna garnu garne garchu garchha garcha gardai garera garyo paryo parchha parcha parne malai
        mero meri hamro tapai tapaii tapailai hajur huncha hunchha hunxa chha chaina chhaina xa xaina
        kasari kati kaha kahile kina ke ko lai sanga manche manxe bhanda bhane pani ra ani ahile
        dhanyabad dhanyabaad dhanyawad namaste namaskar milcha milchha sakchu sakinchha sakincha chahiyo
        chahincha chaincha janu jana aauchha aaucha bujhina thik cha kura bhayo vayo gareko garnuhos
        garnus dinus dinuhos sodhna sodhnu
        """.split()  # noqa: SIM905 - a word list reads better as text
    ),
    "vi": frozenset(
        """
        toi minh muon khong ko duoc dc nguoi viec chao nhieu nhung dang nhat nhe vay sao bao lau khi nao
        tieng hoi cho xin oi anh chi em ban giup voi truong hoc lam
        """.split()  # noqa: SIM905 - a word list reads better as text
    ),
    "ja": frozenset(
        """
        desu desuka masu masuka mashita shitai shimasu dekiru dekimasu dekimasuka arigatou arigato
        gozaimasu onegai onegaishimasu konnichiwa konbanwa ohayou sayounara sumimasen wakarimasen
        nihongo eigo hanashitai kudasai koushin henkou shinsei zairyu biza ningen tantousha nani
        doushite ikura itsu doko tokutei ginou gijinkoku ryuugaku iie daijoubu yoroshiku
        """.split()  # noqa: SIM905 - a word list reads better as text
    ),
}


@dataclass(frozen=True)
class Detection:
    """Result of identifying one text.

    `language` is one of LANGUAGES, or None when the text carries no usable signal or is in a
    language we do not speak; `foreign` then names that language (e.g. "zh", "ko") when known.
    `confidence` is in [0, 1]; `method` says which rule decided, for logs and evaluation.
    """

    language: str | None
    confidence: float
    method: str
    foreign: str | None = None


@lru_cache(maxsize=1)
def _langid() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # Only Latin-script candidates reach the statistical model; the rest is decided by script.
    identifier.set_languages(["en", "pt", "vi", "es", "id", "tl", "fr"])
    return identifier


def detect(text: str) -> Detection:
    """Identify the language of `text` among the five, script first, then lexicon, then langid."""
    text = unicodedata.normalize("NFC", text or "").strip()
    if not text:
        return Detection(None, 0.0, "empty")

    letters = sum(1 for ch in text if ch.isalpha())
    if letters == 0:
        return Detection(None, 0.0, "no-letters")

    devanagari = len(_DEVANAGARI.findall(text))
    kana = len(_KANA.findall(text))
    han = len(_HAN.findall(text))
    hangul = len(_HANGUL.findall(text))

    if devanagari and devanagari >= 0.3 * letters:
        return Detection("ne", 1.0, "script")
    if kana:
        return Detection("ja", 1.0, "script")
    if hangul and hangul >= 0.3 * letters:
        return Detection(None, 1.0, "script", foreign="ko")
    if han and han >= 0.3 * letters:
        # Han without any kana: Chinese, or a bare kanji term ("在留資格") that Japanese users
        # also type. Short strings lean Japanese; whole sentences without kana are Chinese.
        if han <= 6:
            return Detection("ja", 0.6, "script-han")
        return Detection(None, 0.8, "script", foreign="zh")
    if _VIETNAMESE.search(text):
        return Detection("vi", 1.0, "script")

    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    if not words:
        return Detection(None, 0.0, "no-latin")

    for language, lexicon in _ROMANISED.items():
        hits = sum(1 for w in words if w in lexicon)
        if hits and hits >= max(1, len(words) // 3):
            return Detection(language, min(1.0, 0.5 + 0.2 * hits), "romanised")

    language, probability = _langid().classify(text)
    probability = float(probability)
    if language in LANGUAGES:
        # One or two words carry little evidence whatever the model says.
        if len(words) <= 2:
            probability = min(probability, 0.5)
        return Detection(language, probability, "langid")
    return Detection(None, probability, "langid", foreign=language)


def normalise_locale(value: str | None) -> str | None:
    """Map a locale or language tag ("pt-BR", "vi_VN", "ne-NP", "ja") to one of LANGUAGES."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else None
