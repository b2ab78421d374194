"""`python -m api users create --email E --role ROLE [--name N] [--languages ja,en]`
(ROLE: advisor, evaluator, editor, researcher, admin), `python -m api users deactivate|activate|reset-password E`
(api/auth/cli.py; passwords are asked for or read from stdin, never taken as arguments);
`python -m api keys init|rotate|revoke-key KID|list` (issuer keys, api/records/cli.py); `python -m api keys
rotate-documents` (the documents' data keys re-wrapped under DOCUMENTS_KEY, api/fce/vault.py);
`python -m api purge [--dry-run]`, `python -m api privacy export|erase --email E|--conversation ID|--reference REF`
(api/privacy/cli.py);
`python -m api workers [--inbox-only]`: the LINE/Telegram inbox and outbox workers alone, without HTTP (the
production shape runs them in a process of their own while the uvicorn workers run with CHANNEL_WORKERS=false).
Inbox claims are leased, so several processes can share the inbox; the outbox has one sender per deployment
(its per-chat send spacing is in memory), so extra processes run with `--inbox-only`. SIGTERM or Ctrl-C stops
it."""

from __future__ import annotations

import asyncio
import signal
import sys

from api.core.config import get_settings


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["workers"]:
        if argv[1:] not in ([], ["--inbox-only"]):
            print("usage: python -m api workers [--inbox-only]", file=sys.stderr)
            return 2
        asyncio.run(run_workers(outbox=argv[1:] != ["--inbox-only"]))
        return 0
    if argv[:1] == ["keys"]:
        from api.records import cli as records_cli

        return records_cli.main(argv[1:])
    if argv[:1] in (["purge"], ["privacy"]):
        from api.privacy import cli as privacy_cli

        return privacy_cli.main(argv)
    from api.auth import cli as users_cli

    return users_cli.main(argv)


async def run_workers(outbox: bool = True) -> None:
    """The app's services with the channel workers on (the outbox too unless `outbox` is False), until
    SIGTERM/SIGINT; the same wiring as the api."""
    from api.main import create_app

    app = create_app(get_settings().model_copy(update={"channel_workers": True, "channel_outbox": outbox}))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with app.router.lifespan_context(app):
        print("workers: inbox and outbox running" if outbox else "workers: inbox running", flush=True)
        await stop.wait()


if __name__ == "__main__":
    sys.exit(main())
