from __future__ import annotations

from knowledge_base.romaji import fold_long_vowels, katakana_to_romaji
from knowledge_base.tokens import tokens


def test_japanese_uses_sudachi_words_without_particles() -> None:
    out = tokens("在留資格を更新したいです。")
    assert "在留" in out and "資格" in out and "更新" in out
    assert "を" not in out and "。" not in out


def test_japanese_romaji_readings_match_romanised_questions() -> None:
    article = tokens("資格外活動許可と在留資格変更", romaji=True)
    question = tokens("shikakugai katsudou kyoka, zairyuu shikaku henkou")
    assert {"shikakugai", "katsudo", "kyoka", "zairyu", "henko"} <= set(article) & set(question)


def test_nepali_keeps_vowel_signs_and_strips_postpositions() -> None:
    out = tokens("मलाई जापानमा काम गर्न भिसा चाहिन्छ।")
    assert "भिसा" in out  # a naive \\w split would cut at the vowel sign
    assert "जापानमा" in out and "जापान" in out
    assert "।" not in "".join(out)


def test_vietnamese_matches_with_and_without_diacritics() -> None:
    accented = tokens("Tôi muốn gia hạn visa")
    plain = tokens("toi muon gia han visa")
    assert "hạn" in accented and "han" in accented
    assert {"gia", "han", "visa", "muon"} <= set(plain) & set(accented)
    assert "đ" not in "".join(tokens("đăng ký")[1:])  # folded form spells đ as d


def test_latin_stopwords_dropped_and_lowercased() -> None:
    assert tokens("What is the COE?") == ["coe"]


def test_romaji_conversion() -> None:
    assert katakana_to_romaji("ザイリュウ") == "zairyuu"
    assert katakana_to_romaji("シュウショク") == "shuushoku"
    assert katakana_to_romaji("キャッシュ") == "kyasshu"
    assert fold_long_vowels("koushin") == "koshin"
    assert fold_long_vowels("zairyū") == "zairyu"
