"""``core.lane.Batches`` (#5 speed): the requests of one kind that a server process receives
together are answered in one transaction. The first starts a batch at once, with those that
arrived in the same turn of the event loop; those that arrive while it runs go together in
the next; a batch holds at most ``size``; its failure is each of its requests' failure, and
the next batch runs all the same."""

from __future__ import annotations

import asyncio

import pytest

from abonent.core.lane import Batches


class Recorder:
    """A ``run`` that answers each request with its double, keeping the batches it got; it
    waits for ``release`` while the test sends more, and fails a batch holding ``fail``."""

    def __init__(self, fail: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()
        self.fail = fail

    async def __call__(self, items: list[int]) -> list[int]:
        self.batches.append(items)
        await self.release.wait()
        if self.fail in items:
            raise LookupError(f"batch {items}")
        return [2 * item for item in items]


def test_requests_that_arrive_together_go_together_and_the_rest_in_the_next_batch() -> None:
    async def scenario() -> tuple[list[int], list[list[int]]]:
        run = Recorder()
        batches = Batches(run, size=3)
        first = [asyncio.create_task(batches.submit(n)) for n in (1, 2)]
        await asyncio.sleep(0)  # the batch of 1 and 2 starts and waits for its answer
        later = [asyncio.create_task(batches.submit(n)) for n in (3, 4, 5, 6)]
        await asyncio.sleep(0)
        assert run.batches == [[1, 2]]
        run.release.set()
        answers = await asyncio.gather(*first, *later)
        return list(answers), run.batches

    answers, batches = asyncio.run(scenario())
    assert answers == [2, 4, 6, 8, 10, 12]
    assert batches == [[1, 2], [3, 4, 5], [6]]  # at most three in a batch, in order


def test_a_failed_batch_fails_its_requests_only() -> None:
    async def scenario() -> list[object]:
        run = Recorder(fail=2)
        batches = Batches(run, size=10)
        first = [asyncio.create_task(batches.submit(n)) for n in (1, 2)]
        await asyncio.sleep(0)
        later = asyncio.create_task(batches.submit(3))
        await asyncio.sleep(0)
        run.release.set()
        return list(await asyncio.gather(*first, later, return_exceptions=True))

    one, two, three = asyncio.run(scenario())
    assert isinstance(one, LookupError) and isinstance(two, LookupError)
    assert str(one) == "batch [1, 2]"
    assert three == 6


def test_a_request_cancelled_while_it_waits_leaves_the_others_their_answers() -> None:
    async def scenario() -> tuple[list[int], list[list[int]]]:
        run = Recorder()
        batches = Batches(run, size=10)
        tasks = [asyncio.create_task(batches.submit(n)) for n in (1, 2, 3)]
        await asyncio.sleep(0)
        tasks[1].cancel()
        run.release.set()
        with pytest.raises(asyncio.CancelledError):
            await tasks[1]
        return [await tasks[0], await tasks[2]], run.batches

    assert asyncio.run(scenario()) == ([2, 6], [[1, 2, 3]])


def test_each_event_loop_starts_afresh() -> None:
    """Tests (and a server process's restart of its loop) run one loop after another: what a
    closed loop left pending is not carried into the next."""
    batches = Batches(Recorder(), size=10)

    async def leave_pending() -> None:
        left = asyncio.create_task(batches.submit(1))
        await asyncio.sleep(0)  # its batch runs, waiting for a release that never comes
        assert not left.done()

    async def answer() -> int:
        run = Recorder()
        run.release.set()
        batches.run = run
        return await batches.submit(7)

    asyncio.run(leave_pending())
    assert asyncio.run(answer()) == 14
