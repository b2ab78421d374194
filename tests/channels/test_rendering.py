"""Units: splitting text, rate limits, payload keys."""

from __future__ import annotations

from api.channels.outgoing.message import is_web_url, shorten, split_text
from api.channels.outgoing.ratelimit import RateLimits


def test_split_prefers_paragraphs_then_lines_then_words() -> None:
    text = "aaa aaa\n\nbbb\nbbb\n\nccc"
    assert split_text(text, 100) == [text]
    assert split_text(text, 10) == ["aaa aaa", "bbb\nbbb", "ccc"]
    assert split_text("one two three four", 9) == ["one two", "three", "four"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("", 10) == []


def test_split_never_exceeds_the_limit_and_keeps_every_word() -> None:
    text = "\n\n".join(" ".join(f"w{i}-{j}" for j in range(i * 7)) for i in range(1, 40))
    for limit in (50, 333, 4096):
        pieces = split_text(text, limit)
        assert all(len(p) <= limit for p in pieces)
        assert " ".join(" ".join(p.split()) for p in pieces).split() == text.split()


def test_split_can_measure_escaped_length() -> None:
    import html

    text = "&" * 30
    pieces = split_text(text, 50, lambda s: len(html.escape(s, quote=False)))
    assert all(len(html.escape(p, quote=False)) <= 50 for p in pieces)
    assert "".join(pieces) == text


def test_labels_are_shortened_with_an_ellipsis() -> None:
    assert shorten("Tiếng Việt", 20) == "Tiếng Việt"
    assert shorten("Residence status for engineers", 20) == "Residence status fo…"
    assert len(shorten("x" * 50, 20)) == 20


def test_only_web_urls_become_links() -> None:
    assert is_web_url("https://www.moj.go.jp/isa/")
    assert not is_web_url("javascript:alert(1)")
    assert not is_web_url("https://evil.example/ onmouseover=x")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_per_chat_limit_allows_a_burst_then_one_per_second() -> None:
    clock = Clock()
    limits = RateLimits(30.0, chat_per_second=1.0, chat_burst=3, clock=clock)
    for _ in range(3):
        assert limits.wait("chat-1") == 0
        limits.take("chat-1")
    assert 0.9 < limits.wait("chat-1") <= 1.0
    assert limits.wait("chat-2") == 0  # other chats are not held up
    clock.now += 1.0
    assert limits.wait("chat-1") == 0


def test_global_limit_caps_all_chats_together() -> None:
    clock = Clock()
    limits = RateLimits(30.0, chat_per_second=1.0, chat_burst=1, clock=clock)
    for index in range(30):
        assert limits.wait(f"chat-{index}") == 0
        limits.take(f"chat-{index}")
    assert limits.wait("chat-new") > 0
    clock.now += 0.5
    assert limits.wait("chat-new") == 0
