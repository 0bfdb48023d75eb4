"""Live pieces (#9 point 2): each office's current queue and the estimated wait for a new
ticket, by the queue's own formula (waiting × mean service time ÷ active windows)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client

from abonent.core.models import Window
from abonent.equeue import services as queue
from abonent.equeue.models import Status, Ticket
from abonent.portal.tests.conftest import TUESDAY_10


def _rows(html: str) -> list[list[str]]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<td>(.*?)</td>", tr, re.S)
        ]
        for tr in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


@pytest.fixture
def queue_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue, "now", lambda: TUESDAY_10)


def test_three_waiting_at_two_windows_with_the_default_five_minutes(
    site: object, at: object, queue_clock: None, client: Client
) -> None:
    for _ in range(3):
        queue.issue_ticket(office_code="sc1", service_code="household", actor=None)
    queue.issue_ticket(office_code="sc1", service_code="billing", actor=None)
    html = client.get("/offices/sc1/queue/").content.decode()
    assert _rows(html) == [
        ["Начисления, задолженность, оплата", "1", "около 2 мин"],  # ceil(1 × 5 ÷ 3)
        ["Консультации, договоры, документы", "3", "около 8 мин"],  # ceil(3 × 5 ÷ 2)
    ]
    assert "Сервис-центр № 1" not in html  # the fragment, not the page


def test_the_mean_of_last_weeks_services_replaces_the_default(
    site: object, at: object, queue_clock: None, client: Client
) -> None:
    done = queue.issue_ticket(office_code="sc2", service_code="household", actor=None).ticket
    Ticket.objects.filter(pk=done.pk).update(
        status=Status.DONE,
        started_at=TUESDAY_10 - timedelta(minutes=30),
        finished_at=TUESDAY_10 - timedelta(minutes=18),
    )
    Window.objects.filter(office__code="sc2", number=2).update(is_active=False)
    for _ in range(2):
        queue.issue_ticket(office_code="sc2", service_code="household", actor=None)
    html = client.get("/offices/sc2/queue/").content.decode()
    assert _rows(html)[1] == [
        "Консультации, договоры, документы",
        "2",
        "около 24 мин",
    ]  # 2 × 12 ÷ 1


def test_home_page_summarises_each_open_office(
    site: object, at: object, queue_clock: None, client: Client
) -> None:
    for _ in range(2):
        queue.issue_ticket(office_code="sc3", service_code="billing", actor=None)
    html = client.get("/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        "Сервис-центр № 3 г. Астана, ул. Демо-Сервисная, 30 +7 7172 00-00-03 Сейчас открыто до 18:00 2 человека в очереди, ожидание около 4 мин"
        in text
    )
    assert (
        "Сервис-центр № 4 г. Астана, ул. Демо-Сервисная, 40 +7 7172 00-00-04 Сейчас открыто до 18:00 Очереди сейчас нет"
        in text
    )


def test_a_closed_office_says_so_instead_of_a_wait(
    site: object, at: object, client: Client
) -> None:
    from datetime import datetime

    from abonent.portal.tests.conftest import ASTANA

    at(datetime(2026, 11, 24, 19, 0, tzinfo=ASTANA))  # type: ignore[operator]
    html = client.get("/offices/sc1/queue/").content.decode()
    assert "Офис закрыт; очередь начнётся с открытием." in html
    assert "<tbody>" not in html


def test_an_office_without_queue_equipment_has_no_queue_fragment(
    site: object, at: object, client: Client
) -> None:
    from abonent.core.models import Office

    Office.objects.filter(code="sc4").update(has_queue=False)
    assert client.get("/offices/sc4/queue/").status_code == 404
    assert 'id="queue-sc4-h"' not in client.get("/offices/").content.decode()
