"""Language identification restricted to Kakehashi's five languages.

Script rules come first because they are certain where a statistical model is not: Devanagari is
Nepali here, kana is Japanese, Vietnamese-only letters are Vietnamese, Hangul and kana-less Han are
languages we do not speak. Latin-script text is where the hard cases are: romanised Nepali
("visa renew garna paryo"), romanised Japanese ("biza koushin shitai"), Vietnamese typed without
diacritics. Vietnamese typed without diacritics is still recognisable by its words: monosyllables
that are common in Vietnamese and are not words of our other languages ("khong", "duoc", "nhieu")
and fixed pairs ("la gi", "bao nhieu"). A question with enough of them, and without the function
words of English, Portuguese, romanised Nepali or Japanese, is Vietnamese even when it is mostly
English or Japanese terms ("NIC Japan lam gi"). General-purpose identifiers do not know the rest,
so a character n-gram naive Bayes model
learnt from our own labelled data (the NLU training data, bot/data/nlu/<lang>.yml, and the knowledge
base's example questions, knowledge_base/questions/<lang>.yml) decides, and langid
(py3langid, restricted to our Latin-script languages) settles what that model is unsure of.

Both the api (conversation language) and the knowledge base (query language) use this module.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

# The list lives in the registry (knowledge_base/languages.py); re-exported for the callers that use it
# beside detect().
from knowledge_base.languages import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
from knowledge_base.languages import LANGUAGES as LANGUAGES
from knowledge_base.languages import normalise_locale as normalise_locale

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_KANA = re.compile(r"[\u3040-\u30FF\u31F0-\u31FF\uFF66-\uFF9F]")
_HAN = re.compile(r"[\u4E00-\u9FFF\u3400-\u4DBF]")
_HANGUL = re.compile(r"[\uAC00-\uD7AF\u1100-\u11FF\u3130-\u318F]")
# Letters that exist in Vietnamese and in none of our other Latin-script languages:
# ă đ ơ ư and the precomposed tone-marked vowels of Latin Extended Additional.
_VIETNAMESE = re.compile(r"[ăđơưĂĐƠƯ\u1EA0-\u1EF9]")
_LATIN_WORD = re.compile(r"[a-zA-Z\u00C0-\u024F\u1E00-\u1EFF]+")
# Unaccented Vietnamese words that are not words (or romanisations) of our other languages.
_VI_WORDS = frozenset(
    """
    khong hok duoc dc nhieu nhu gi lam cua nhung voi thi toi minh bao lau dau vay nhe nguoi viec thang
    ngay tuan tien phai muon biet nay khi neu roi chua dang cac mot giup cho danh xuat chuyen bang hoc
    nhat nganh xin khac nhau giay dieu kien sinh nghiep hien moi chat luong cao thay nha hang xe lao
    dong phat trien ky nang thuc tap diem sang len
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Unaccented Vietnamese pairs whose words alone are ambiguous ("la", "the", "o", "co"); each counts twice.
_VI_PAIRS = frozenset(
    tuple(pair.split("-"))
    for pair in """
    la-gi lam-gi bao-nhieu bao-lau the-nao o-dau cho-ai la-ai duoc-khong co-duoc co-phai nhu-the
    tu-cach luu-tru gia-han ho-so may-nam may-thang ky-su thuc-tap nhat-ban dai-hoc cong-ty xin-visa
    le-phi the-cu cu-tru toi-da
    """.split()  # noqa: SIM905
)
# Function words of English, Portuguese, romanised Nepali and romanised Japanese.
_OTHER_FUNCTION_WORDS = frozenset(
    """
    the what how is are does can my to of for and in on with you please when where why which who will
    should de da do para com que como os um uma eu meu minha visto preciso posso quanto qual ko ka ki
    ma le lai cha chha chaa ho garne garna garnu kasari kati ke bhaneko huncha hunchha milcha paincha
    parcha parchha chahincha ra pani desu masu wa ga wo ni no ka shitai suru nan dou kudasai
    """.split()  # noqa: SIM905
)
NLU_DIR = Path(__file__).resolve().parents[1] / "bot" / "data" / "nlu"
MODEL_CONFIDENT = 0.6
LANGID_CONFIDENT = 0.95


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
    # Only Latin-script candidates reach it; the others are decided by script.
    identifier.set_languages(["en", "pt", "vi", "es", "id", "tl", "fr"])
    return identifier


class CharModel:
    """Multinomial naive Bayes over character 1–4-grams and whole words, one class per language."""

    SMOOTHING = 0.1

    def __init__(self, samples: dict[str, list[str]]) -> None:
        self.counts: dict[str, Counter[str]] = {lang: Counter() for lang in samples}
        for language, texts in samples.items():
            for text in texts:
                self.counts[language].update(self.features(text))
        self.vocabulary = len(set().union(*self.counts.values())) or 1
        self.totals = {lang: sum(c.values()) for lang, c in self.counts.items()}

    @staticmethod
    def features(text: str) -> list[str]:
        out: list[str] = []
        for word in _LATIN_WORD.findall(unicodedata.normalize("NFC", text.lower())):
            out.append("w:" + word)
            padded = f" {word} "
            for n in (1, 2, 3, 4):
                out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        return out

    def classify(self, text: str) -> tuple[str | None, float]:
        """The most likely language and its posterior probability among the model's languages."""
        features = self.features(text)
        if not features or not self.counts:
            return None, 0.0
        scores = {}
        for language, counts in self.counts.items():
            denominator = math.log(self.totals[language] + self.SMOOTHING * self.vocabulary)
            scores[language] = sum(math.log(counts[f] + self.SMOOTHING) - denominator for f in features)
        best = max(scores, key=lambda lang: scores[lang])
        top = scores[best]
        return best, 1.0 / sum(math.exp(score - top) for score in scores.values())


def _training_lines(path: Path) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lines: list[str] = []
    for block in data.get("nlu") or []:
        lines += [
            ln.strip()[2:].strip() for ln in str(block.get("examples", "")).splitlines() if ln.strip()[:2] == "- "
        ]
    return lines


@lru_cache(maxsize=1)
def _char_model() -> CharModel | None:
    """Learnt once per process from the NLU training data and the knowledge base's example questions
    (never from the NLU held-out sets or the knowledge base's dev set)."""
    from knowledge_base import questions  # imported here: it imports this module's LANGUAGES

    samples = {
        lang: _training_lines(NLU_DIR / f"{lang}.yml") for lang in LANGUAGES if (NLU_DIR / f"{lang}.yml").exists()
    }
    for question in questions.load()[0]:
        samples.setdefault(question.language, []).append(question.text)
    return CharModel(samples) if samples else None


def unaccented_vietnamese(text: str) -> bool:
    """Vietnamese typed without diacritics, by its words (acronyms such as "COE" or "JLPT" aside).
    Precision first: checked on the NLU training data and example questions of the other four
    languages and the dev set's tuning part, where it never fires."""
    words = [w.lower() for w in _LATIN_WORD.findall(text) if not (w.isupper() and len(w) > 1)]
    evidence = sum(w in _VI_WORDS for w in words) + 2 * sum(pair in _VI_PAIRS for pair in itertools.pairwise(words))
    other = sum(w in _OTHER_FUNCTION_WORDS for w in words)
    return (evidence >= 2 and other == 0) or (evidence >= 3 and evidence > 2 * other)


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

    words = _LATIN_WORD.findall(text)
    if not words:
        return Detection(None, 0.0, "no-latin")
    if unaccented_vietnamese(text):
        return Detection("vi", 0.9 if len(words) > 2 else 0.5, "vi-words")

    model = _char_model()
    language, probability = model.classify(text) if model else (None, 0.0)
    method = "char-model"
    if language is None or probability < MODEL_CONFIDENT:
        guess, guess_probability = _langid().classify(text)
        if guess in LANGUAGES and float(guess_probability) >= LANGID_CONFIDENT:
            language, probability, method = guess, float(guess_probability), "langid"
        elif language is None:
            return Detection(None, float(guess_probability), "langid", foreign=guess)
    # One or two words carry little evidence whatever a model says.
    if len(words) <= 2:
        probability = min(probability, 0.5)
    return Detection(language, probability, method)
