"""The messaging platforms Kakehashi speaks, one line each: adding a channel is its folder
(`api/channels/<name>/`, the parts listed in api/channels/plugin.py) and a line here.

Everything per platform derives from this tuple: the app's webhook routers (api/main.py), the
settings read from the environment (api/channels/config.py), the secrets redacted from logs, the
/healthz entries, and the inbox handlers, outbox senders, rate limits and outbound adapters
(api/channels/hub.py). The web widget is not a platform: it is the api's own REST and WebSocket
(api/channels/widget.py), with no webhook, inbox or outbox.
"""

from __future__ import annotations

from typing import Any

from api.channels.line.plugin import PLUGIN as LINE
from api.channels.plugin import ChannelPlugin
from api.channels.telegram.plugin import PLUGIN as TELEGRAM

CHANNELS: tuple[ChannelPlugin[Any], ...] = (LINE, TELEGRAM)
