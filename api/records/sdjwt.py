"""Selective disclosure: Kakehashi's credential as an SD-JWT (RFC 9901) securing a VC 2.0 (`typ: vc+sd-jwt`).

Why built here and not with a library: the only SD-JWT package on the index, `sd-jwt` 0.10.4, was
last released in February 2024 (before RFC 9901), signs with jwcrypto (a second JOSE library beside
joserfc), takes its `typ` from a process-wide environment variable and accepts disclosures that no
digest references (RFC 9901 §7.1 requires refusing them). The format is small: the signing stays
joserfc's (jose.py), the digests are hashlib's SHA-256, the salts `secrets`'.

Issuing (`issue`): the stored credential payload with the claims of each DISCLOSABLE group replaced by
digests in the `_sd` array of the object that held them (`_sd_alg: sha-256`), sorted so their order
says nothing. `@context`, `type`, `issuer`, `credentialStatus`, the ids and dates stay plain, so
every verifier sees who issued what, and can check its status, whatever the holder hides.
A disclosure is base64url(JSON [salt, name, value]) with a 128-bit salt. Key binding is not used:
the holder has no key (`cnf`), so a presentation carrying a KB-JWT is refused rather than half-checked.

Presenting (`present`): `<issuer-signed JWT>~<disclosure>~…~`, only the chosen groups' disclosures.

Checking (`disclose`): every disclosure must be well formed, hash to exactly one `_sd` digest (or
`...` array element) of the signed payload, appear once; no digest may appear twice in the payload;
a disclosed name may not be `_sd`/`...` or overwrite a plain claim. Any failure is `BadDisclosure`,
which the verifier reports as `tampered` with no claims.
"""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
from typing import Any

from api.records import jose

TYP = "vc+sd-jwt"
SD_ALG = "sha-256"
# What an applicant may hide, by group, as paths into the credential (`*`: every key of that object).
# The descriptions name the institution, so they go with it.
DISCLOSABLE: dict[str, tuple[tuple[str, ...], ...]] = {
    "applicant": (("credentialSubject", "identifier"),),
    "institution": (
        ("credentialSubject", "evaluation", "credential", "institution"),
        ("description",),
        ("credentialSubject", "achievement", "description"),
        ("translations", "*", "description"),
    ),
    "years": (
        ("credentialSubject", "evaluation", "credential", "startYear"),
        ("credentialSubject", "evaluation", "credential", "endYear"),
    ),
    "differences": (("credentialSubject", "evaluation", "substantialDifferences"),),
    "remarks": (("credentialSubject", "evaluation", "remarks"),),
    "reference": (("credentialSubject", "evaluation", "reference"),),
}
GROUPS = tuple(DISCLOSABLE)
# Never selectively disclosable (VC-JOSE-COSE and the issue: a verifier must always see these).
ALWAYS_VISIBLE = frozenset({"@context", "type", "issuer", "credentialStatus", "id", "iss", "jti", "nbf", "iat"})
MAX_DISCLOSURES = 64


class BadDisclosure(Exception):
    """A disclosure that is malformed, unreferenced, repeated, or collides with the signed claims."""


def digest(disclosure: str) -> str:
    return jose.b64url_encode(hashlib.sha256(disclosure.encode("ascii")).digest())


def _disclosure(name: str, value: Any) -> str:
    salt = jose.b64url_encode(secrets.token_bytes(16))
    return jose.b64url_encode(json.dumps([salt, name, value], ensure_ascii=False, separators=(",", ":")).encode())


def _targets(payload: dict[str, Any], path: tuple[str, ...]) -> list[tuple[dict[str, Any], str]]:
    """(containing object, key) for every place `path` names that exists."""
    found: list[tuple[dict[str, Any], str]] = []

    def walk(node: Any, rest: tuple[str, ...]) -> None:
        if not isinstance(node, dict) or not rest:
            return
        head, tail = rest[0], rest[1:]
        keys = list(node) if head == "*" else [head]
        for key in keys:
            if key not in node:
                continue
            if tail:
                walk(node[key], tail)
            else:
                found.append((node, key))

    walk(payload, path)
    return found


def make_disclosable(payload: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The payload with every DISCLOSABLE claim replaced by its digest, and the disclosures per group."""
    body = copy.deepcopy(payload)
    groups: dict[str, list[str]] = {}
    for group, paths in DISCLOSABLE.items():
        groups[group] = []
        for path in paths:
            assert path[0] not in ALWAYS_VISIBLE, path
            for holder, key in _targets(body, path):
                disclosure = _disclosure(key, holder.pop(key))
                holder.setdefault("_sd", []).append(digest(disclosure))
                groups[group].append(disclosure)
    _sort_digests(body)
    body["_sd_alg"] = SD_ALG
    return body, groups


def _sort_digests(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("_sd"), list):
            node["_sd"].sort()
        for value in node.values():
            _sort_digests(value)
    elif isinstance(node, list):
        for value in node:
            _sort_digests(value)


def issue(payload: dict[str, Any], private: Any, kid: str) -> tuple[str, dict[str, list[str]]]:
    """The issuer-signed JWT (`typ: vc+sd-jwt`) and every group's disclosures."""
    body, groups = make_disclosable(payload)
    return jose.sign(body, private, kid, typ=TYP), groups


def present(issuer_jwt: str, groups: dict[str, list[str]], chosen: list[str]) -> str:
    """The SD-JWT with the disclosures of the chosen groups only (no key binding: ends with `~`)."""
    disclosures = [d for group in GROUPS if group in chosen for d in groups.get(group, [])]
    return "~".join([issuer_jwt, *disclosures]) + "~"


def is_sd_jwt(token: str) -> bool:
    return "~" in token


def split(presentation: str) -> tuple[str, list[str]]:
    """The issuer-signed JWT and the disclosures; `BadDisclosure` for a KB-JWT or too many parts."""
    parts = presentation.strip().split("~")
    if len(parts) < 2:
        raise BadDisclosure("not an SD-JWT")
    if parts[-1]:
        raise BadDisclosure("key binding is not used for these credentials; the presentation must end with ~")
    disclosures = parts[1:-1]
    if len(disclosures) > MAX_DISCLOSURES:
        raise BadDisclosure("too many disclosures")
    return parts[0], disclosures


def _decode(disclosure: str) -> tuple[str | None, Any]:
    """(name, value) of an object-property disclosure, (None, value) of an array-element one."""
    try:
        item = json.loads(jose.b64url_decode(disclosure))
    except (ValueError, TypeError, RecursionError):
        raise BadDisclosure("a disclosure is not base64url JSON") from None
    if not isinstance(item, list) or not item or not isinstance(item[0], str):
        raise BadDisclosure("a disclosure is not an array starting with a salt")
    if len(item) == 2:
        return None, item[1]
    if len(item) != 3 or not isinstance(item[1], str):
        raise BadDisclosure("a disclosure is neither [salt, name, value] nor [salt, value]")
    if item[1] in ("_sd", "...", "_sd_alg"):
        raise BadDisclosure("a disclosure may not name _sd, ... or _sd_alg")
    return item[1], item[2]


def disclose(payload: dict[str, Any], disclosures: list[str]) -> dict[str, Any]:
    """The signed payload with the given disclosures put back in place and every digest removed."""
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:
        raise BadDisclosure("only sha-256 digests are accepted")
    by_digest: dict[str, str] = {}
    for disclosure in disclosures:
        key = digest(disclosure)
        if key in by_digest:
            raise BadDisclosure("the same disclosure is given twice")
        by_digest[key] = disclosure
    seen: set[str] = set()
    used: set[str] = set()

    def take(value: Any) -> str | None:
        if not isinstance(value, str):
            raise BadDisclosure("a digest is not a string")
        if value in seen:
            raise BadDisclosure("the same digest appears twice in the credential")
        seen.add(value)
        if value in by_digest:
            used.add(value)
            return by_digest[value]
        return None  # a hidden claim (or a decoy)

    def rebuild(node: Any, top: bool = False) -> Any:
        if isinstance(node, list):
            out: list[Any] = []
            for element in node:
                if isinstance(element, dict) and set(element) == {"..."}:
                    found = take(element["..."])
                    if found is not None:
                        name, value = _decode(found)
                        if name is not None:
                            raise BadDisclosure("an array element disclosure carries a name")
                        out.append(rebuild(value))
                else:
                    out.append(rebuild(element))
            return out
        if not isinstance(node, dict):
            return node
        result = {k: rebuild(v) for k, v in node.items() if k not in ("_sd", "_sd_alg")}
        if "_sd_alg" in node and not top:
            raise BadDisclosure("_sd_alg is only allowed at the top level")
        digests = node.get("_sd", [])
        if not isinstance(digests, list):
            raise BadDisclosure("_sd is not an array")
        for value in digests:
            found = take(value)
            if found is None:
                continue
            name, claim = _decode(found)
            if name is None:
                raise BadDisclosure("an object property disclosure has no name")
            if name in result:
                raise BadDisclosure("a disclosure overwrites a claim")
            if top and name in ALWAYS_VISIBLE:
                raise BadDisclosure("a disclosure may not supply an always-visible claim")
            result[name] = rebuild(claim)
        return result

    restored = rebuild(payload, top=True)
    if used != set(by_digest):
        raise BadDisclosure("a disclosure is not referenced by the signed credential")
    assert isinstance(restored, dict)
    return restored
