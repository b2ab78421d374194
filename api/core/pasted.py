"""A digital credential pasted into a chat message, recognised by its shape (issue 13, chat half).

A Verifiable Credential travels as a compact JWT (`vc+jwt`: three base64url parts, the first two JSON,
so both start with "eyJ", the encoding of '{"'), as an SD-JWT (the same followed by `~disclosure~…~`),
or inside a JSON document (Open Badges 3.0 / VC JSON with a JWT proof, an EnvelopedVerifiableCredential,
`{"credential": "<jwt>"}`). All three carry the compact JWT as a substring, so one pattern finds it
wherever it sits; what the JSON around it says is never read (the verifier reads the signed token).

Such a token carries personal data (a name, a degree, dates): a message holding one is answered by the
api and stored with a placeholder, and neither Rasa nor the stored history ever sees the token.

The channels' usual message limit (2,000 characters) is too short for a signed credential, so a
message that looks like one may be up to MAX_CHARS long; anything longer is refused as usual.
"""

from __future__ import annotations

import re

# The most a pasted message carrying a credential may hold (characters; tokens are ASCII).
MAX_CHARS = 32 * 1024
# header.payload.signature (the signature may be empty: `alg: none` is recognised, then refused),
# then an SD-JWT's disclosures. Each part is bounded, so matching stays linear on any input.
_TOKEN = re.compile(
    r"eyJ[A-Za-z0-9_-]{2,40000}\.eyJ[A-Za-z0-9_-]{2,40000}\.[A-Za-z0-9_-]{0,2000}(?:~[A-Za-z0-9_-]{0,4000}){0,100}"
)


def find_token(text: str) -> str | None:
    """The compact JWT or SD-JWT a message carries (the first one), or None."""
    if "eyJ" not in text:
        return None
    match = _TOKEN.search(text[: MAX_CHARS * 4])
    return match.group(0) if match else None


def looks_like_credential(text: str) -> bool:
    """The message carries something shaped like a credential (what the channels' length check asks)."""
    return find_token(text) is not None
