from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge_base.index_builder import build, chunk_article
from knowledge_base.retriever import MAX_QUERY_CHARS, Retriever, cut_query
from tests.knowledge_base.conftest import FakeEmbedder, article_text, write


@pytest.fixture
def retriever(built_index: Path, fake_embedder: FakeEmbedder) -> Retriever:
    return Retriever.load(built_index, embedder=fake_embedder)


def test_chunks_are_summary_plus_one_per_section() -> None:
    from knowledge_base.articles import parse

    article, _ = parse(article_text("visa.fees", "en"))
    chunks = chunk_article(article)
    assert [c.kind for c in chunks] == ["summary", "section", "section"]
    assert chunks[0].text == "Renewal costs 4,000 yen at the window."
    # Sections carry the article title so they make sense alone.
    assert chunks[1].heading == "Visa fees: Renewal fee"


def test_build_is_skipped_when_nothing_changed(
    built_index: Path, content_dir: Path, fake_embedder: FakeEmbedder, questions_dir: Path
) -> None:
    again = build(built_index, content_dir, embedder=fake_embedder, questions_dir=questions_dir)
    assert not again.built
    write(content_dir, "en", "visa.fees", article_text("visa.fees", "en").replace("4,000", "6,000"))
    changed = build(built_index, content_dir, embedder=fake_embedder, questions_dir=questions_dir)
    assert changed.built
    manifest = json.loads((built_index / "manifest.json").read_text())
    assert manifest["articles"] == 10 and manifest["model_hash"] == "fake-1"
    assert manifest["content_hash"] != again.manifest["content_hash"]
    # Example questions are content too.
    (questions_dir / "pt.yml").write_text("topics:\n  visa.fees: [quanto custa renovar]\n", encoding="utf-8")
    with_question = build(built_index, content_dir, embedder=fake_embedder, questions_dir=questions_dir)
    assert with_question.built and with_question.manifest["questions"] == manifest["questions"] + 1


def test_search_returns_topics_in_the_query_language(retriever: Retriever) -> None:
    result = retriever.search("tiền lệ phí gia hạn visa bao nhiêu yên")
    assert result.language == "vi"
    assert result.results[0].topic_id == "visa.fees"
    assert result.results[0].url == "/kb/vi/visa.fees"
    assert result.results[0].title == "Lệ phí visa"
    # topics, not chunks: each topic once
    assert len({h.topic_id for h in result.results}) == len(result.results) == 2


def test_given_language_wins_over_detection(retriever: Retriever) -> None:
    result = retriever.search("how long does a certificate of eligibility take", language="pt-BR")
    assert result.language == "pt"
    assert result.results[0].topic_id == "visa.coe"
    assert result.results[0].title == "Certificado de Elegibilidade"
    assert result.results[0].sources == ["https://www.moj.go.jp/isa/"]


def test_foreign_language_falls_back_to_english(retriever: Retriever) -> None:
    result = retriever.search("签证续签需要多少钱，我想知道具体的费用标准和流程")
    assert result.language == "en"
    assert result.foreign == "zh"


def test_empty_query_raises(retriever: Retriever) -> None:
    for text in ("", "   \n\t"):
        with pytest.raises(ValueError):
            retriever.search(text)


def test_long_query_is_cut_and_answered(retriever: Retriever) -> None:
    long = ("visa fee renewal yen " * 400)[:5000]
    assert len(cut_query(long)) <= MAX_QUERY_CHARS
    result = retriever.search(long)
    assert result.results[0].topic_id == "visa.fees"


def test_cut_query_never_splits_a_combining_sequence() -> None:
    text = "क" * (MAX_QUERY_CHARS - 1) + "ि" + "ख" * 50  # vowel sign right at the limit
    cut = cut_query(text)
    assert len(cut) <= MAX_QUERY_CHARS
    assert not cut.endswith("क") or text[len(cut)] != "ि"


def test_get_article_in_language_with_sections(retriever: Retriever) -> None:
    article = retriever.get_article("visa.coe", "ne")
    assert article is not None and article.language == "ne"
    assert article.sections[0].heading == "COE को समय"
    assert retriever.get_article("visa.unknown", "en") is None


def test_confidence_uses_threshold(retriever: Retriever) -> None:
    retriever.threshold = 2.0  # unreachable: scores are normalised to at most 1
    assert not retriever.search("visa fee").confident
    retriever.threshold = 0.0
    assert retriever.search("visa fee").confident


def test_index_from_another_model_is_refused(built_index: Path) -> None:
    class Other(FakeEmbedder):
        fingerprint = "other"

    with pytest.raises(RuntimeError, match="rebuild"):
        Retriever.load(built_index, embedder=Other())


def test_example_questions_find_their_topic_but_are_never_the_snippet(retriever: Retriever) -> None:
    # Only the Nepali example question of visa.fees shares these romanised words.
    result = retriever.search("bhisa renew garda paisa tirnu", language="ne")
    assert result.results[0].topic_id == "visa.fees"
    assert result.results[0].snippet != "bhisa renew garda kati paisa tirnu parcha"
    for hit in result.results:
        assert "bhisa renew" not in hit.snippet and "how many weeks" not in hit.snippet


def test_public_result_carries_the_confident_decision(retriever: Retriever) -> None:
    retriever.threshold = 0.0
    assert retriever.search("visa fee").public()["confident"] is True
    retriever.threshold = 2.0
    public = retriever.search("visa fee").public()
    assert public["confident"] is False and public["results"]


def test_a_romanised_nepali_question_meets_the_devanagari_article(retriever: Retriever) -> None:
    # "shulka" is शुल्क as Nepali users type it; only the sound key connects the two spellings.
    signals, _ = retriever.signals("bhisa shulka kati", "ne", "ne")
    assert retriever.topics[int(signals["bm25"].argmax())] == "visa.fees" and signals["bm25"].max() > 0
