"""python -m api.channels.telegram set-webhook --url URL: register the webhook with its secret token.

Also `delete-webhook` and `webhook-info`. Reads TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET from
the environment; the token is never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from telegram.error import TelegramError

from api.channels.config import ChannelSettings
from api.channels.telegram.client import make_bot
from api.channels.telegram.settings import TelegramSettings

ALLOWED_UPDATES = ["message", "callback_query"]


async def _run(args: argparse.Namespace, settings: TelegramSettings, timeout: float) -> int:
    bot = make_bot(settings, timeout)
    try:
        if args.command == "set-webhook":
            if not args.url.startswith("https://") and not args.allow_http:
                print("error: --url must be https:// (Telegram only calls HTTPS webhooks)", file=sys.stderr)
                return 2
            await bot.set_webhook(
                url=args.url,
                secret_token=settings.telegram_webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=args.drop_pending,
            )
            print(f"webhook set: {args.url}")
        elif args.command == "delete-webhook":
            await bot.delete_webhook()
            print("webhook deleted")
        else:
            info = await bot.get_webhook_info()
            print(f"url: {info.url or '-'}\npending updates: {info.pending_update_count}")
            if info.last_error_message:
                print(f"last error: {info.last_error_message}")
        return 0
    except TelegramError as exc:
        print(f"error: Telegram refused the call ({type(exc).__name__})", file=sys.stderr)
        return 1
    finally:
        await bot.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.channels.telegram")
    commands = parser.add_subparsers(dest="command", required=True)
    setter = commands.add_parser("set-webhook", help="register the webhook with the secret token")
    setter.add_argument("--url", required=True, help="public HTTPS address of /webhooks/telegram")
    setter.add_argument("--drop-pending", action="store_true", help="discard updates Telegram still holds")
    setter.add_argument("--allow-http", action="store_true", help=argparse.SUPPRESS)  # local fakes in tests
    commands.add_parser("delete-webhook")
    commands.add_parser("webhook-info")
    args = parser.parse_args(argv)
    settings = TelegramSettings()
    if not settings.enabled:
        print("error: set TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET first", file=sys.stderr)
        return 2
    # Only the shared HTTP timeout: the platforms' settings are not needed here.
    timeout = ChannelSettings(platforms={}).http_timeout_seconds
    return asyncio.run(_run(args, settings, timeout))


if __name__ == "__main__":
    sys.exit(main())
