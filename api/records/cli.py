"""`python -m api keys init|rotate|revoke-key KID|list`: the issuer's signing keys in RECORDS_KEY_DIR.
`python -m api keys rotate-documents`: re-wrap every uploaded document's data key with DOCUMENTS_KEY and
encrypt files still stored in plain text (api/fce/vault.py); it prints counts, never a key.

Keys given in RECORDS_SIGNING_KEYS are managed by whoever sets that variable; the commands then
refuse rather than write a file the api would not read. Nothing here prints a private key.
"""

from __future__ import annotations

import argparse
import sys

from api.records import keys
from api.records.config import RecordsSettings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m api keys")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("init", help="create the first key if there is none (make run does this)")
    actions.add_parser("rotate", help="add a new signing key; the old one stays published as retired")
    revoke = actions.add_parser("revoke-key", help="mark a key compromised: what it signed no longer verifies")
    revoke.add_argument("kid")
    actions.add_parser("list", help="kid, status and creation time of every key")
    actions.add_parser(
        "rotate-documents",
        help="re-wrap documents under DOCUMENTS_KEY (old keys in DOCUMENTS_KEYS_RETIRED); encrypt plain-text ones",
    )
    args = parser.parse_args(argv)
    if args.action == "rotate-documents":
        return rotate_documents()
    settings = RecordsSettings()
    if settings.signing_keys.strip() and args.action != "list":
        print("error: keys come from RECORDS_SIGNING_KEYS; change that variable instead", file=sys.stderr)
        return 2
    directory = settings.key_dir
    try:
        if args.action == "init":
            kid = keys.ensure_key(directory)
            print(f"created issuer key {kid} in {directory}" if kid else f"issuer key present in {directory}")
        elif args.action == "rotate":
            new, retired = keys.rotate(directory)
            print(f"new signing key {new}" + (f"; {retired} retired (still published)" if retired else ""))
        elif args.action == "revoke-key":
            active = keys.revoke(directory, args.kid)
            print(f"revoked {args.kid}; signing key is {active}")
        else:
            for key in keys.KeyRing.load(settings).keys:
                print(f"{key.kid}  {key.status:8}  {key.created_at}")
    except keys.KeyError_ as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


def rotate_documents() -> int:
    """Every document row's file brought under the current DOCUMENTS_KEY; exit 1 if any could not be read."""
    from sqlalchemy import select

    from api.core.config import get_settings
    from api.db.migrate import upgrade
    from api.db.session import Database
    from api.fce.config import FceSettings
    from api.fce.models import FceDocument
    from api.fce.vault import DocumentKeyError, rewrap_all

    fce_settings = FceSettings()
    try:
        document_keys = fce_settings.document_keys
    except DocumentKeyError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    url = get_settings().database_url
    upgrade(url)
    db = Database(url)
    try:
        with db.session() as session:
            rows = [
                (row.storage_name, row.sha256)
                for row in session.execute(select(FceDocument.storage_name, FceDocument.sha256))
            ]
    finally:
        db.dispose()
    report = rewrap_all(fce_settings.documents_dir, document_keys, rows)
    print(
        f"documents under key {document_keys.current_id.hex()}: {report.current} already, "
        f"{report.rewrapped} re-wrapped, "
        f"{report.encrypted} encrypted from plain text, {report.failed} unreadable"
    )
    if report.failed:
        print("error: some documents could not be read with the keys held; keep the retired keys", file=sys.stderr)
        return 1
    return 0
