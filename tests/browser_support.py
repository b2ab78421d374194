"""What the browser tests share: Debian's Chromium under Playwright, and an api served on loopback."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out, which this network refuses.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium; a missing browser fails the test (it is never skipped)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Debian's Chromium is required at {CHROMIUM} (make setup installs it from requirements/apt.txt)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serve(app: Any, timeout: float = 20.0) -> Iterator[str]:
    """Run `app` with uvicorn on a free loopback port in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail(f"the api did not start within {timeout:.0f} seconds")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# -- accessibility (axe-core) and screenshots ----------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
AXE_JS = REPO / "var/axe/node_modules/axe-core/axe.min.js"
SCREENSHOTS = REPO / "var/screenshots"
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
BLOCKING = ("critical", "serious")


def axe_source() -> str:
    """axe-core's script, installed by scripts/ensure-axe.sh (run here when missing: idempotent)."""
    if not AXE_JS.exists():
        script = str(REPO / "scripts/ensure-axe.sh")
        done = subprocess.run([script], capture_output=True, text=True, check=False)  # noqa: S603 - our own script
        if done.returncode != 0 or not AXE_JS.exists():
            pytest.fail(f"axe-core is required (scripts/ensure-axe.sh): {done.stderr.strip()}")
    return AXE_JS.read_text(encoding="utf-8")


def axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now: [{id, impact, nodes: [target...]}]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result: list[dict[str, Any]] = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return result


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]


def shoot(page: Any, name: str) -> Path:
    """Keep a screenshot as a test artefact (var/screenshots/, never committed). SCREENSHOT_TAG, when
    set, is appended to the name (e.g. "before", to keep shots of an older checkout beside the new ones)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tag = os.environ.get("SCREENSHOT_TAG", "")
    path = SCREENSHOTS / f"{name}{'-' + tag if tag else ''}.png"
    page.screenshot(path=str(path))
    return path
