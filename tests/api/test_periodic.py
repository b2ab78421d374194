"""The periodic job runner: one task per event loop, so two loops serving one app stop independently."""

from __future__ import annotations

import asyncio
import threading

from api.core.periodic import Periodic


def test_two_loops_each_start_and_stop_their_own_task() -> None:
    periodic = Periodic("job", 3600, lambda: None)
    outer_started = threading.Event()
    inner_done = threading.Event()
    seen: dict[str, object] = {}

    async def outer() -> None:
        periodic.start()
        task = periodic.task()
        outer_started.set()
        await asyncio.to_thread(inner_done.wait, 10)
        # The other loop's stop left this loop's task running.
        seen["outer running after inner stop"] = task is not None and not task.done()
        await periodic.stop()
        seen["outer cancelled"] = task is not None and task.cancelled()

    async def inner() -> None:
        periodic.start()
        seen["inner has its own"] = periodic.task() is not None
        await periodic.stop()  # raised "attached to a different loop" when one task was shared
        seen["inner gone"] = periodic.task() is None

    thread = threading.Thread(target=asyncio.run, args=(outer(),))
    thread.start()
    assert outer_started.wait(10)
    try:
        asyncio.run(inner())
    finally:
        inner_done.set()
        thread.join(10)
    assert seen == {
        "inner has its own": True,
        "inner gone": True,
        "outer running after inner stop": True,
        "outer cancelled": True,
    }
