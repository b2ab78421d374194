"""The channel registry is complete: every platform folder is registered, every entry has every part,
and the app's webhooks, /healthz entries and log redaction come from it.

Adding a channel is its folder plus one line in api/channels/registry.py; these tests fail when the
line is missing, when the folder lacks one of the parts api/channels/plugin.py lists, or when a part
does not fit (a webhook at another path, settings that do not say when the platform is on).
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.channels.config import ChannelSettings, PlatformSettings
from api.channels.plugin import ChannelPlugin
from api.channels.registry import CHANNELS
from api.core import redact

CHANNELS_DIR = Path(__file__).resolve().parents[2] / "api" / "channels"
# The shared halves of the channels package, not platforms.
SHARED_FOLDERS = {"incoming", "outgoing"}
# The modules every platform folder holds (api/channels/plugin.py says what each does).
PARTS = ("plugin", "settings", "webhook", "events", "render", "enqueue", "client")


def platform_folders() -> list[str]:
    return sorted(
        path.name
        for path in CHANNELS_DIR.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in SHARED_FOLDERS
    )


def test_every_platform_folder_is_registered_once_and_nothing_else_is() -> None:
    names = [plugin.name for plugin in CHANNELS]
    assert len(names) == len(set(names))
    assert sorted(names) == platform_folders()


@pytest.mark.parametrize("folder", platform_folders())
def test_a_platform_folder_has_every_part_and_its_plugin_is_the_registered_one(folder: str) -> None:
    missing = [part for part in PARTS if not (CHANNELS_DIR / folder / f"{part}.py").exists()]
    assert not missing, f"api/channels/{folder}/ lacks {missing}"
    plugin = importlib.import_module(f"api.channels.{folder}.plugin").PLUGIN
    assert isinstance(plugin, ChannelPlugin)
    assert plugin in CHANNELS
    assert plugin.name == folder == importlib.import_module(f"api.channels.{folder}.events").CHANNEL


@pytest.mark.parametrize("plugin", CHANNELS, ids=lambda plugin: plugin.name)
def test_each_entry_has_its_webhook_settings_and_workers(plugin: ChannelPlugin[PlatformSettings]) -> None:
    posts = [route.path for route in plugin.router.routes if isinstance(route, APIRoute) and "POST" in route.methods]
    assert posts == [f"/webhooks/{plugin.name}"]
    assert issubclass(plugin.settings, PlatformSettings)
    assert plugin.settings.__module__ == f"api.channels.{plugin.name}.settings"
    for part in (plugin.handler, plugin.sender, plugin.limits, plugin.outbound):
        assert callable(part)
    # Off without its secrets; on, with secrets to redact, when every text setting is given.
    off = plugin.settings(_env_file=None, **dict.fromkeys(text_fields(plugin), ""))  # type: ignore[call-arg]
    assert not off.enabled and plugin.configured(ChannelSettings(_env_file=None, platforms={plugin.name: off})) is None  # type: ignore[call-arg]
    values = {name: f"{plugin.name}-{name}-value-0123456789" for name in text_fields(plugin)}
    on = plugin.settings(_env_file=None, **values)  # type: ignore[call-arg]
    assert on.enabled
    assert on.secrets() and set(on.secrets()) <= set(values.values())
    assert plugin.configured(ChannelSettings(_env_file=None, platforms={plugin.name: on})) is on  # type: ignore[call-arg]


def text_fields(plugin: ChannelPlugin[PlatformSettings]) -> list[str]:
    return [name for name, field in plugin.settings.model_fields.items() if field.annotation is str]


def test_the_app_derives_webhooks_and_health_from_the_registry(client: TestClient) -> None:
    # `client`: no platform configured. Every registered one has its route, answers 404, and is listed.
    paths = client.get("/openapi.json").json()["paths"]
    components = client.get("/healthz").json()["components"]
    for plugin in CHANNELS:
        assert f"/webhooks/{plugin.name}" in paths
        assert client.post(f"/webhooks/{plugin.name}", json={}).status_code == 404
        assert components[plugin.name] == "disabled"


def test_configured_platforms_are_healthy_and_their_secrets_never_logged(
    app_client: TestClient, channel_settings: ChannelSettings, caplog: pytest.LogCaptureFixture
) -> None:
    components = app_client.get("/healthz").json()["components"]
    secrets = channel_settings.secrets()
    assert {plugin.name for plugin in CHANNELS} <= set(channel_settings.platforms)
    assert len(secrets) >= 2 * len(CHANNELS)
    caplog.set_level(logging.INFO)
    for plugin in CHANNELS:
        assert components[plugin.name] == "ok"
        for secret in channel_settings.platforms[plugin.name].secrets():
            logging.getLogger("tests.channels.registry").info("calling with %s", secret)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged.count(redact.MASK) == len(secrets)
    assert not any(secret in logged for secret in secrets)
