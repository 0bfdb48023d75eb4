"""Issue #5 review, 12: every day the queue derives is Astana's day, never the UTC date —
at 01:00 on 1 January in Astana (still 31 December in UTC) the working-day calendar is
asked for the new year by call-next, the hall, the board, the kiosk and the offices list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client

from abonent.equeue import api, board, hall, services
from abonent.equeue.models import Ticket
from abonent.equeue.tests.conftest import ASTANA, Api, Clock, user, window
from abonent.equeue.views import kiosk
from abonent.workdays import services as workdays

pytestmark = pytest.mark.django_db

NEW_YEAR_1AM = datetime(2027, 1, 1, 1, 0, tzinfo=ASTANA)  # 2026-12-31 20:00 UTC


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[date | None]:
    seen: list[date | None] = []

    def spy(*, around: date | None = None) -> Any:
        seen.append(around)
        return workdays.get_calendar(around=around)

    for module in (api, board, hall, services, kiosk):
        monkeypatch.setattr(module, "get_calendar", spy)
    return seen


def test_the_calendar_is_asked_for_astanas_day(
    asked: list[date | None],
    clock: Clock,
    client: Client,
    api_as: Callable[[str | None], Api],
) -> None:
    clock.at = NEW_YEAR_1AM.astimezone(UTC)  # as timezone.now() gives it
    assert clock.at.date() == date(2026, 12, 31)
    with pytest.raises(services.DomainError):  # closed at night: asked all the same
        services.call_next_ticket(window=window("sc1", 1), actor=user("operator"))
    hall.hall(window("sc1", 1).office)
    info = board.office_info("sc1")
    assert info is not None
    board.snapshot(info)
    assert client.get("/queue/sc1/kiosk/").status_code == 200
    assert api_as(None).get("/offices").status_code == 200
    assert len(asked) >= 5
    assert set(asked) == {date(2027, 1, 1)}
    assert Ticket.objects.count() == 0
