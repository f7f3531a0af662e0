"""core.waves.Together: calls that arrive while one runs go together in the next run."""

import asyncio

import pytest

from core.waves import Together

pytestmark = pytest.mark.asyncio


class Doubler:
    """A run that records its batches and holds the first one until `release()`."""

    def __init__(self, fail_on=None):
        self.batches = []
        self.gate = asyncio.Event()
        self.fail_on = fail_on

    async def __call__(self, items):
        self.batches.append(list(items))
        if len(self.batches) == 1:
            await self.gate.wait()
        if self.fail_on in items:
            raise ValueError("no")
        return [item * 2 for item in items]


async def started(together, items):
    calls = [asyncio.ensure_future(together(item)) for item in items]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    return calls


async def test_the_first_call_runs_at_once_and_those_arriving_meanwhile_together_up_to_the_limit():
    run = Doubler()
    together = Together(run, limit=3)
    first = await started(together, [1])
    assert run.batches == [[1]], "the first call does not wait for company"
    rest = await started(together, [2, 3, 4, 5, 6])
    run.gate.set()
    assert await asyncio.gather(*first, *rest) == [2, 4, 6, 8, 10, 12]
    assert run.batches == [[1], [2, 3, 4], [5, 6]]
    assert await together(7) == 14, "a call after a quiet moment runs at once again"


async def test_a_failed_run_fails_each_of_its_calls_and_not_the_next_run():
    run = Doubler(fail_on=3)
    together = Together(run)
    first = await started(together, [1])
    rest = await started(together, [2, 3])
    run.gate.set()
    assert await first[0] == 2
    for call in rest:
        with pytest.raises(ValueError, match="no"):
            await call
    assert await together(4) == 8


async def test_a_caller_that_gave_up_is_left_out_of_the_next_run():
    run = Doubler()
    together = Together(run)
    first = await started(together, [1])
    gave_up, stays = await started(together, [2, 3])
    gave_up.cancel()
    run.gate.set()
    assert await first[0] == 2
    assert await stays == 6
    assert run.batches == [[1], [3]]
