"""Issue #18, point 4: which sources people see, in what order (knowledge_base/sources.py)."""

from __future__ import annotations

from knowledge_base.articles import load_all
from knowledge_base.sources import CHAT_LIMIT, classify, shown_sources

BLOG = "https://gyosei-kawamoto.com/2022/08/12/post-439"
MIRROR = "https://www.scribd.com/document/123/ssw"
MOFA = "https://www.mofa.go.jp/j_info/visit/visa/"
ISA = "https://www.moj.go.jp/isa/applications/procedures/10_00136.html"
EGOV = "https://elaws.e-gov.go.jp/document?lawid=326CO0000000319"


def test_official_sources_come_first_in_publisher_order_and_others_are_dropped() -> None:
    shown = shown_sources([BLOG, EGOV, MIRROR, MOFA, ISA])
    assert [s.url for s in shown] == [ISA, MOFA, EGOV]
    assert [s.publisher for s in shown] == ["isa", "mofa", "egov"]


def test_others_only_when_no_official_source_exists_and_never_mirrors() -> None:
    shown = shown_sources([MIRROR, BLOG, "https://github.com/x/y", "https://example.org/a"])
    assert [s.url for s in shown] == [BLOG, "https://example.org/a"]
    assert not any(s.official for s in shown)


def test_at_most_three_in_chat() -> None:
    urls = [f"https://www.moj.go.jp/isa/{n}.html" for n in range(10)]
    assert len(shown_sources(urls)) == CHAT_LIMIT == 3


def test_lookalike_and_hostile_domains_are_not_official() -> None:
    for url in ("https://moj.go.jp.evil.example/x", "https://notmofa.go.jp.example.com/", "https://fakego.jp/"):
        found = classify(url)
        assert found is not None and not found[1].official, url
    assert classify("javascript:alert(1)") is None
    assert shown_sources(["javascript:alert(1)", "ftp://moj.go.jp/x", "/privacy"]) == []


def test_every_articles_chat_sources_are_few_and_never_mirrors() -> None:
    for article in load_all():
        shown = shown_sources(list(article.sources))
        assert len(shown) <= CHAT_LIMIT
        assert not any(d in s.domain for s in shown for d in ("scribd", "expydoc", "github"))


def test_japans_embassies_are_named_as_embassies() -> None:
    found = classify("https://www.se.emb-japan.go.jp/itpr_ja/visa.html")
    assert found is not None and found[1].publisher == "embassy"
    other = classify("https://www.kantei.go.jp/")
    assert other is not None and other[1].publisher == "government"
