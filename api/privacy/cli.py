"""`python -m api purge [--dry-run]` and `python -m api privacy export|erase` (requests that arrive by
mail, phone or at the desk). Each prints counts only; the service audits every real run."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.core.config import get_settings
from api.db.migrate import upgrade
from api.db.session import Database
from api.fce.config import FceSettings
from api.privacy.retention import Purger
from api.privacy.subjects import PrivacyRequests, Subject, SubjectNotFound
from api.privacy.tracker import TrackerStore


def _subject_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--email", help="the e-mail of the person's FCE applications")
    group.add_argument("--conversation", help="a conversation id")
    group.add_argument("--reference", help="an FCE case reference")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m api")
    commands = parser.add_subparsers(dest="command", required=True)
    purge = commands.add_parser("purge", help="apply the retention periods to every store")
    purge.add_argument("--dry-run", action="store_true", help="count what would go, change nothing")
    privacy = commands.add_parser("privacy").add_subparsers(dest="action", required=True)
    export = privacy.add_parser("export", help="write a person's data (JSON and files) to a zip")
    _subject_arguments(export)
    export.add_argument("--out", required=True, type=Path)
    erase = privacy.add_parser("erase", help="delete or anonymise everything held about a person")
    _subject_arguments(erase)
    args = parser.parse_args(argv)

    settings = get_settings()
    upgrade(settings.database_url)
    db = Database(settings.database_url)
    tracker = TrackerStore(settings.rasa_tracker_url)
    fce_settings = FceSettings()
    documents_dir = fce_settings.documents_dir
    try:
        if args.command == "purge":
            counts = Purger(db, settings, documents_dir, tracker).run(dry_run=args.dry_run)
            print(("would remove" if args.dry_run else "removed") + " (per store):")
            for store, count in counts.items():
                print(f"  {store:<22} {count}")
            return 0
        subject = Subject(email=args.email, conversation_id=args.conversation, reference=args.reference)
        requests = PrivacyRequests(db, documents_dir, tracker, keys=fce_settings.document_keys)
        try:
            if args.action == "export":
                archive = requests.export(subject)
                args.out.write_bytes(archive)
                args.out.chmod(0o600)
                print(f"wrote {args.out} ({len(archive)} bytes)")
            else:
                print(json.dumps(requests.erase(subject), indent=2))
        except SubjectNotFound:
            print(f"error: nothing is held for that {subject.describe()}", file=sys.stderr)
            return 2
        return 0
    finally:
        tracker.dispose()
        db.dispose()
