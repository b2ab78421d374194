"""`python -m api users create --email E --password P --role advisor [--name N] [--languages ja,en]`;
`python -m api keys init|rotate|revoke-key KID|list` (issuer keys, api/records/cli.py)."""

from __future__ import annotations

import argparse
import sys

from api.auth.users import UserError, create_user
from api.core.config import get_settings
from api.db.migrate import upgrade
from api.db.session import Database


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["keys"]:
        from api.records import cli as records_cli

        return records_cli.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m api")
    commands = parser.add_subparsers(dest="command", required=True)
    users = commands.add_parser("users").add_subparsers(dest="action", required=True)
    create = users.add_parser("create", help="create a console user")
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--role", required=True, choices=["advisor", "evaluator", "admin"])
    create.add_argument("--name", default=None)
    create.add_argument("--languages", default="en", help="comma-separated, e.g. ja,en")
    args = parser.parse_args(argv)

    url = get_settings().database_url
    upgrade(url)
    db = Database(url)
    try:
        with db.session() as session:
            user = create_user(
                session,
                email=args.email,
                password=args.password,
                role=args.role,
                display_name=args.name,
                languages=[code.strip() for code in args.languages.split(",") if code.strip()],
            )
            print(f"created user {user.id} <{user.email}> role={user.role}")
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
