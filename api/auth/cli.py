"""`python -m api users create|deactivate|activate|reset-password`: staff accounts from the command line.

Passwords are never command-line arguments (they would sit in the shell's history and in every
`ps` listing): at a terminal they are asked for twice without echo (getpass); otherwise the first
line of standard input is the password, for scripts (`printf '%s\\n' "$PW" | python -m api users
create ...`). Deactivating someone and resetting a password end all their sessions at once.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import TextIO

from api.auth.models import Role
from api.auth.users import UserError, create_user, reset_password, set_active
from api.core.config import get_settings
from api.db.migrate import upgrade
from api.db.session import Database

NOT_AN_ARGUMENT = (
    "passwords are not taken on the command line (shell history, ps); "
    "type it when asked, or give it as the first line of standard input"
)


def read_password(stdin: TextIO, ask: Callable[[str], str] = getpass.getpass) -> str:
    """The new password: asked twice at a terminal, else the first line of standard input."""
    if stdin.isatty():
        first = ask("Password: ")
        if ask("Repeat it: ") != first:
            raise UserError("the two passwords differ")
        return first
    return stdin.readline().rstrip("\r\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m api")
    commands = parser.add_subparsers(dest="command", required=True)
    users = commands.add_parser("users").add_subparsers(dest="action", required=True)
    create = users.add_parser("create", help="create a console user (the password is asked for)")
    create.add_argument("--email", required=True)
    # Only to answer it with a clear refusal instead of "unrecognized arguments".
    create.add_argument("--password", help=argparse.SUPPRESS)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--name", default=None)
    create.add_argument("--languages", default="en", help="comma-separated, e.g. ja,en")
    for action, text in (
        ("deactivate", "block a user's logins and end all their sessions"),
        ("activate", "let a deactivated user log in again"),
        ("reset-password", "set a new password (asked for) and end all the user's sessions"),
    ):
        users.add_parser(action, help=text).add_argument("email")
    return parser


def main(argv: list[str], stdin: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    if getattr(args, "password", None) is not None:
        print(f"error: {NOT_AN_ARGUMENT}", file=sys.stderr)
        return 2
    source = stdin or sys.stdin
    url = get_settings().database_url
    upgrade(url)
    db = Database(url)
    try:
        password = read_password(source) if args.action in ("create", "reset-password") else ""
        with db.session() as session:
            if args.action == "create":
                user = create_user(
                    session,
                    email=args.email,
                    password=password,
                    role=args.role,
                    display_name=args.name,
                    languages=[code.strip() for code in args.languages.split(",") if code.strip()],
                )
                print(f"created user {user.id} <{user.email}> role={user.role}")
            elif args.action == "reset-password":
                user, ended = reset_password(session, args.email, password)
                print(f"new password for <{user.email}>; ended {ended} session(s)")
            else:
                user, ended = set_active(session, args.email, args.action == "activate")
                print(f"{args.action}d <{user.email}>; ended {ended} session(s)")
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    return 0
