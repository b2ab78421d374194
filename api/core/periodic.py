"""A job the api runs every N seconds on its event loop, in a worker thread (the privacy purge, the
advice reminders). One place for starting, surviving a failed run, and stopping cleanly.

`seconds` 0 never runs it (tests and one-off processes drive the job by hand). A run that raises is
logged and retried at the next interval; the api keeps serving.

One task per event loop: the same app can be served by two loops at once (two test clients on one
app, each entering the lifespan in a loop of its own), and a task can only be awaited in its own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, name: str, seconds: int, job: Callable[[], object]) -> None:
        self.name = name
        self.seconds = seconds
        self.job = job
        self._tasks: dict[asyncio.AbstractEventLoop, asyncio.Task[None]] = {}

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.seconds > 0 and loop not in self._tasks:
            self._tasks[loop] = loop.create_task(self._every(), name=self.name)

    def task(self) -> asyncio.Task[None] | None:
        """This loop's running task, if any (must be called inside a running loop)."""
        return self._tasks.get(asyncio.get_running_loop())

    async def _every(self) -> None:
        while True:
            await asyncio.sleep(self.seconds)
            try:
                await asyncio.to_thread(self.job)
            except Exception:
                log.exception("scheduled %s failed", self.name)

    async def stop(self) -> None:
        task = self._tasks.pop(asyncio.get_running_loop(), None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
