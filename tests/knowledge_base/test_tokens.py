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
    # Devanagari words are indexed by their sound keys; a naive \\w split would cut "भिसा" at its
    # vowel sign and give another key.
    assert "~bis" in out
    assert "~japanam" in out and "~japan" in out
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


def test_devanagari_digits_count_as_ascii_digits() -> None:
    assert "2" in tokens("तोकुतेई गिनो २ गो") and "२" not in tokens("तोकुतेई गिनो २ गो")


def test_romanised_and_devanagari_nepali_meet_by_sound_key() -> None:
    # Each romanisation a Nepali user might type, against the Devanagari word.
    for devanagari, spellings in {
        "भिसा": ["bhisa", "visa"],
        "वर्ष": ["barsa", "barsha", "varsa"],
        "परिवार": ["pariwar", "parivar"],
        "शरणार्थी": ["sharanarthi", "saranarthi"],
        "सेन्मोनशी": ["senmonshi"],  # a loanword spelt without the virama, read without its "a"
    }.items():
        keys = set(tokens(devanagari))
        for spelling in spellings:
            assert keys & set(tokens(spelling, nepali=True)), (devanagari, spelling)
    # Postpositions come off in both scripts.
    assert set(tokens("जापानमा")) & set(tokens("japanma", nepali=True)) >= {"~japan"}


def test_sound_keys_only_for_text_known_to_be_nepali() -> None:
    assert tokens("visa renewal") == ["visa", "renewal"]
    assert "~bis" in tokens("visa renewal", nepali=True)
    assert all(not t.startswith("~") for t in tokens("Gia hạn visa bao lâu"))


def test_a_kanji_term_inside_another_language_keeps_that_language_words() -> None:
    nepali = tokens("भिसा र बसोबास हैसियत (在留資格) मा के फरक छ?", romaji=True)
    assert {"~bis", "~basobas", "~haisiyat", "在留", "資格", "zairyu"} <= set(nepali)
    vietnamese = tokens("Visa và tư cách lưu trú (在留資格)", romaji=True)
    assert {"visa", "cach", "luu", "tru", "在留"} <= set(vietnamese) and "ビザ" not in vietnamese
    assert {"tokutei", "2go"} <= set(tokens("Kỹ năng đặc định (特定技能2号)", romaji=True))
    # Japanese text still goes to Sudachi whole, Latin words and all.
    assert tokens("COEの申請") == ["coe", "申請"]
