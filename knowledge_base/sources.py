"""Which of an article's sources people are shown, in what order, and under what name.

Articles list every page their facts were checked against (up to two dozen, many of them private
law-office blogs or document mirrors). People need the few they can trust: the Japanese government's
own pages first (ISA, MOFA, MHLW, MEXT, JASSO, e-Gov, then the other agencies), named by their
publisher; other sites only when an article has no official source, and then labelled as not
official. Document mirrors and code hosts (scribd.com, github.com…) are never shown.

The ranking is by domain, from OFFICIAL below (publisher key, domains; earlier is shown first).
Publisher names are catalog strings (`source.publisher.<key>`), so every page names them in its
language. Dependency-free: the api and the knowledge-base tools both import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

OFFICIAL: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("isa", ("isa.go.jp", "moj.go.jp")),
    ("mofa", ("mofa.go.jp",)),
    ("mhlw", ("mhlw.go.jp",)),
    ("mext", ("mext.go.jp",)),
    ("jasso", ("jasso.go.jp", "studyinjapan.go.jp")),
    ("egov", ("e-gov.go.jp",)),
    ("niad", ("niad.ac.jp", "niadqe.jp")),
    ("jpf", ("jpf.go.jp", "jlpt.jp")),
    ("otit", ("otit.go.jp",)),
    ("ssw", ("ssw.go.jp",)),
    ("unesco", ("unesco.org",)),
    # Japan's embassies and consulates (se.emb-japan.go.jp, …): named as such, not as "the government",
    # so two of them in one list are told apart by more than their domains. Ranked as the catch-all was.
    ("embassy", ("emb-japan.go.jp",)),
    # Any other Japanese government domain.
    ("government", ("go.jp",)),
    # Other countries' governments and recognition bodies (for articles about their qualifications).
    (
        "foreign_government",
        ("europa.eu", "ehea.info", "canada.ca", "cicic.ca", "gov.ph", "gov.vn", "gov.np", "gov.br", "gov.au"),
    ),
    ("w3c", ("w3.org",)),
)
# Mirrors of other people's documents and code hosts: not a source anyone should be sent to.
NEVER_SHOWN = ("scribd.com", "expydoc.com", "github.com", "githubusercontent.com", "nina.az")
CHAT_LIMIT = 3
PAGE_LIMIT = 8


@dataclass(frozen=True)
class Source:
    url: str
    domain: str
    publisher: str | None  # OFFICIAL's key; None for a site that is not official

    @property
    def official(self) -> bool:
        return self.publisher is not None


def _domain(url: str) -> str:
    host = (urlparse(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _matches(domain: str, suffix: str) -> bool:
    return domain == suffix or domain.endswith("." + suffix)


def classify(url: str) -> tuple[int, Source] | None:
    """(rank, source) for a URL; rank orders official publishers, None when it is never shown."""
    domain = _domain(url)
    if not domain or any(_matches(domain, blocked) for blocked in NEVER_SHOWN):
        return None
    for rank, (key, domains) in enumerate(OFFICIAL):
        if any(_matches(domain, suffix) for suffix in domains):
            return rank, Source(url, domain, key)
    return len(OFFICIAL), Source(url, domain, None)


def shown_sources(urls: list[str] | tuple[str, ...], limit: int = CHAT_LIMIT) -> list[Source]:
    """Official sources in publisher order (the article's order within one publisher); only when
    there is none, the other sites, in the article's order. At most `limit`."""
    ranked = [found for url in urls if url.startswith(("http://", "https://")) and (found := classify(url))]
    official = sorted((item for item in ranked if item[1].official), key=lambda item: item[0])
    chosen = official or [item for item in ranked if not item[1].official]
    return [source for _rank, source in chosen[:limit]]
