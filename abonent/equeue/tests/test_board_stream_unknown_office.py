"""Q-4 board stream: an unknown or closed-down office has no stream — 404 with the API's
JSON error code, and nothing is subscribed."""

from __future__ import annotations

import asyncio
import json

import pytest

from abonent.asgi import AbonentASGIHandler
from abonent.core.lib import bus
from abonent.core.models import Office
from abonent.equeue import board
from abonent.equeue.tests.board_sse import Stream

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("code", ["nowhere", "sc4"])
def test_q4_an_unknown_or_inactive_office_has_no_stream(demo: None, code: str) -> None:
    Office.objects.filter(code="sc4").update(is_active=False)

    async def run() -> Stream:
        async with Stream(AbonentASGIHandler(), f"/api/v1/queue/offices/{code}/board/stream") as s:
            await asyncio.sleep(0)
        return s

    s = asyncio.run(run())
    assert s.status == 404
    assert s.headers["content-type"] == "application/json"
    assert json.loads(s.body)["code"] == "not_found"
    assert board.FEEDS == {}
    assert bus.HUB.subscriber_count() == 0
