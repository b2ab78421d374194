"""`python -m api keys init|rotate|revoke-key KID|list`: the issuer's signing keys in RECORDS_KEY_DIR.

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
    args = parser.parse_args(argv)
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
