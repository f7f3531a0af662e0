"""Work that arrives in waves, done together: `Together(run)`.

Every deploy or restart reconnects everyone at once, and each websocket that connects needs the same kinds of
work: a trip to the database thread, a few queries, a cache round trip. Done one socket at a time, the sockets
queue behind each other's trips. `Together` runs the first call at once; the calls that arrive while it runs
wait and then go together in one run (at most `limit`), so a wave costs a few runs instead of one per socket.
The function given must do its work for a whole list at a fixed cost (queries over sets, one `get_many`).
"""

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Together(Generic[Item, Result]):
    def __init__(self, run: Callable[[list[Item]], Awaitable[list[Result]]], limit: int = 100) -> None:
        self.run = run  # a list of items → their results, in the same order
        self.limit = limit
        # Per event loop: a test suite runs a loop per test, a server one for its life.
        self.queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Queue[Item, Result]] = (
            weakref.WeakKeyDictionary()
        )

    async def __call__(self, item: Item) -> Result:
        loop = asyncio.get_running_loop()
        queue = self.queues.get(loop)
        if queue is None:
            queue = self.queues[loop] = Queue(self)
        return await queue.put(item)


class Queue(Generic[Item, Result]):
    """One event loop's waiting calls of a `Together`, and the task that runs them."""

    def __init__(self, together: Together[Item, Result]) -> None:
        self.together = together
        self.waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self.runner: asyncio.Task[None] | None = None

    async def put(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self.waiting.append((item, future))
        if self.runner is None or self.runner.done():
            self.runner = asyncio.ensure_future(self.run_waiting())
        return await future

    async def run_waiting(self) -> None:
        while self.waiting:
            limit = self.together.limit
            batch, self.waiting = self.waiting[:limit], self.waiting[limit:]
            batch = [(item, future) for item, future in batch if not future.cancelled()]
            if not batch:
                continue
            try:
                results = await self.together.run([item for item, _future in batch])
            except Exception as error:  # each caller gets it, as if it had made the call alone
                for _item, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_item, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
