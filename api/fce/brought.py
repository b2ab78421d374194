"""Credentials an applicant brings (issue 13, point 7), as the FCE feature sees them: a hook.

The applicant may attach digital credentials from their university (a VC / Open Badges 3.0 JWT, or a
JSON document carrying one) to an application. Verifying them is the verifiable-records feature's
work (api/records/inbound.py), which depends on this package and never the reverse; the composition
root hands its checker to `Fce.bring`. For each attachment the checker returns a `Brought`:

- `credential`: the case credential pre-filled from the verified claims, or None when the claims do
  not say enough (the credential is still kept with the case for the evaluator);
- `store`: adds the verification record in the same transaction as the case, so a refused or failed
  application leaves nothing behind;
- `summary`: what the applicant is told (result, recognised issuer or flagged).

Anything that must not pre-fill a case (tampered, revoked, unresolvable issuer...) raises
`BroughtRefused` with a message in the applicant's language; the route answers 422 naming the field.
Nothing here approves anything: an evaluator confirms every pre-filled credential.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from api.fce.schemas import CredentialIn

Attachment = str | dict[str, Any]


@dataclass(frozen=True)
class Brought:
    credential: CredentialIn | None
    # (session, case id, position of the pre-filled credential or None) -> None
    store: Callable[[Session, int, int | None], None]
    summary: dict[str, Any] = field(default_factory=dict)


class BroughtRefused(Exception):
    """Attachment `index` cannot be used; `message` is already in the applicant's language."""

    def __init__(self, index: int, message: str, kind: str, status_code: int = 422) -> None:
        super().__init__(message)
        self.index = index
        self.message = message
        self.kind = kind
        self.status_code = status_code


Bring = Callable[[Sequence[Attachment], str], list[Brought]]


def not_available(attachments: Sequence[Attachment], language: str) -> list[Brought]:
    """The default when no checker is wired (the FCE feature alone): attachments are refused."""
    raise BroughtRefused(0, "digital credentials cannot be checked here", "unavailable", 503)
