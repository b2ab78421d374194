"""The curated list of recognised issuers (knowledge_base/data/issuers.yml) and looking an issuer up.

An issuer is recognised when its DID is listed exactly, or when it is a did:web on a listed domain
(or a subdomain of one). An issuer `url` claimed inside the credential is NOT used: anyone can write
any URL into a credential they sign, while a did:web's host is proven by where its keys were fetched.
A did:key is recognised only by an exact listing (it proves possession of a key, not a name).
Unknown issuers are flagged for the evaluator, never refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from api.core.config import REPO_ROOT
from knowledge_base.languages import LANGUAGES

ISSUERS_FILE = REPO_ROOT / "knowledge_base" / "data" / "issuers.yml"


class IssuerListError(ValueError):
    """The issuers file does not follow its schema (the message names the entry and the field)."""


@dataclass(frozen=True)
class Issuer:
    id: str
    country: str
    names: dict[str, str]
    domains: tuple[str, ...]
    dids: tuple[str, ...]
    sources: tuple[str, ...]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@dataclass(frozen=True)
class IssuerList:
    as_of: date
    issuers: tuple[Issuer, ...]

    def find(self, issuer_did: str) -> Issuer | None:
        for issuer in self.issuers:
            if issuer_did in issuer.dids:
                return issuer
        host = web_host(issuer_did)
        if host is None:
            return None
        for issuer in self.issuers:
            if any(host == domain or host.endswith("." + domain) for domain in issuer.domains):
                return issuer
        return None


def web_host(issuer_did: str) -> str | None:
    """The host (without port) of a did:web, lower-cased; None for any other DID."""
    if not issuer_did.startswith("did:web:"):
        return None
    host = unquote(issuer_did[len("did:web:") :].split(":", 1)[0]).lower()
    return host.rsplit(":", 1)[0] if ":" in host else host


def _fail(where: str, message: str) -> IssuerListError:
    return IssuerListError(f"issuers.yml: {where}: {message}")


def _entry(index: int, raw: Any) -> Issuer:
    where = f"issuers[{index}]"
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping")
    unknown = set(raw) - {"id", "country", "names", "domains", "dids", "sources"}
    if unknown:
        raise _fail(where, f"unknown fields {sorted(unknown)}")
    ident, country = raw.get("id"), raw.get("country")
    if not isinstance(ident, str) or not ident.replace("_", "").isalnum() or ident.lower() != ident:
        raise _fail(where, "id must be lower-case letters, digits and _")
    if not isinstance(country, str) or len(country) != 2 or not country.isupper():
        raise _fail(where, "country must be an ISO 3166-1 alpha-2 code")
    names = raw.get("names")
    if not isinstance(names, dict) or not isinstance(names.get("en"), str):
        raise _fail(where, "names must have at least an English name")
    if any(lang not in LANGUAGES or not isinstance(text, str) or not text.strip() for lang, text in names.items()):
        raise _fail(where, f"names: only {', '.join(LANGUAGES)}, each a non-empty text")
    domains, dids, sources = raw.get("domains") or [], raw.get("dids") or [], raw.get("sources")
    if not isinstance(domains, list) or not all(isinstance(d, str) and "." in d and d == d.lower() for d in domains):
        raise _fail(where, "domains must be lower-case host names")
    if not isinstance(dids, list) or not all(isinstance(d, str) and d.startswith("did:") for d in dids):
        raise _fail(where, "dids must be DIDs")
    if not domains and not dids:
        raise _fail(where, "give at least one domain or DID")
    if (
        not isinstance(sources, list)
        or not sources
        or not all(isinstance(s, str) and s.startswith("https://") for s in sources)
    ):
        raise _fail(where, "sources must be a non-empty list of https URLs")
    return Issuer(ident, country, dict(names), tuple(domains), tuple(dids), tuple(sources))


def load(path: Path = ISSUERS_FILE) -> IssuerList:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or not isinstance(raw.get("issuers"), list):
        raise _fail("top", "expected a mapping with an `issuers` list")
    as_of = raw.get("as_of")
    try:
        as_of = as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of))
    except ValueError:
        raise _fail("as_of", "must be a date (YYYY-MM-DD)") from None
    issuers = tuple(_entry(index, item) for index, item in enumerate(raw["issuers"]))
    ids = [issuer.id for issuer in issuers]
    if len(set(ids)) != len(ids):
        raise _fail("issuers", "ids must be unique")
    claimed = [key for issuer in issuers for key in (*issuer.domains, *issuer.dids)]
    if len(set(claimed)) != len(claimed):
        raise _fail("issuers", "a domain or DID is listed for two institutions")
    return IssuerList(as_of, issuers)
