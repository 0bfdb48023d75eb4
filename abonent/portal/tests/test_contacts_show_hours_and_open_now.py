"""Contacts and service centres (ORG-1, ORG-4): addresses, phones, weekly hours as text, and
a live "open now / opens at" from the schedules, public holidays and dated exceptions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time

from django.test import Client

from abonent.core.models import Office, Schedule, ScheduleException
from abonent.portal.tests.conftest import ASTANA


def _office(html: str, code: str) -> str:
    m = re.search(rf'<article class="office card" id="office-{code}".*?</article>', html, re.S)
    assert m, code
    return m.group(0)


def _now(block: str) -> str:
    m = re.search(r'<dd class="office-now">(.*?)</dd>', block, re.S)
    assert m
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())


def _hours(block: str) -> list[str]:
    m = re.search(r'<dd class="office-hours">(.*?)</dd>', block, re.S)
    assert m
    return [
        " ".join(re.sub(r"<[^>]+>", " ", li).split())
        for li in re.findall(r"<li>(.*?)</li>", m.group(1), re.S)
    ]


def test_a_service_centre_on_a_tuesday_morning(site: object, at: object, client: Client) -> None:
    html = client.get("/offices/").content.decode()
    sc1 = _office(html, "sc1")
    assert "Сервис-центр № 1" in sc1
    assert "г. Астана, ул. Демо-Сервисная, 10" in sc1
    assert 'href="tel:+77172000001"' in sc1
    assert _hours(sc1) == [
        "Пн–Пт (рабочие дни) 09:00–18:00",
        "Сб, последнее воскресенье месяца 09:00–13:00",
    ]
    assert _now(sc1) == "Сейчас открыто до 18:00"
    assert _hours(_office(html, "central")) == ["Пн–Пт (рабочие дни) 09:00–18:00"]


def test_an_ordinary_sunday_says_when_it_opens(
    site: object, at: Callable[[datetime], datetime], client: Client
) -> None:
    at(datetime(2026, 11, 22, 10, 0, tzinfo=ASTANA))
    html = client.get("/offices/").content.decode()
    assert _now(_office(html, "sc1")) == "Закрыто откроется 23.11.2026 в 09:00"


def test_the_last_sunday_of_the_month_service_centres_open_the_central_office_does_not(
    site: object, at: Callable[[datetime], datetime], client: Client
) -> None:
    at(datetime(2026, 11, 29, 10, 0, tzinfo=ASTANA))
    html = client.get("/offices/").content.decode()
    assert _now(_office(html, "sc2")) == "Сейчас открыто до 13:00"
    assert _now(_office(html, "central")) == "Закрыто откроется 30.11.2026 в 09:00"


def test_a_public_holiday_closes_and_is_listed_in_kazakh(
    site: object, at: Callable[[datetime], datetime], client: Client
) -> None:
    at(datetime(2026, 12, 16, 10, 0, tzinfo=ASTANA))
    client.cookies["abonent_lang"] = "kk"
    html = client.get("/offices/").content.decode()
    assert _now(_office(html, "sc1")) == "Жабық 17.12.2026, сағат 09:00 ашылады"
    at(datetime(2026, 12, 1, 10, 0, tzinfo=ASTANA))
    html = client.get("/offices/").content.decode()
    assert '<time datetime="2026-12-16">16.12.2026, Сәрсенбі</time> — Тәуелсіздік күні' in html


def test_a_dated_exception_is_shown_and_obeyed(
    site: object, at: Callable[[datetime], datetime], client: Client
) -> None:
    schedule = Schedule.objects.get(office=Office.objects.get(code="sc3"))
    ScheduleException.objects.create(
        schedule=schedule,
        day=date(2026, 11, 24),
        closed=False,
        opens=time(11, 0),
        closes=time(15, 0),
        note="санитарный день",
    )
    html = client.get("/offices/").content.decode()
    sc3 = _office(html, "sc3")
    assert _now(sc3) == "Закрыто откроется 24.11.2026 в 11:00"
    assert "<li>24.11.2026: 11:00–15:00 (санитарный день)</li>" in sc3
    assert _now(_office(html, "sc4")) == "Сейчас открыто до 18:00"


def test_the_contact_centre_and_contract_department_hours(
    site: object, at: object, client: Client
) -> None:
    html = client.get("/offices/").content.decode()
    assert "Контакт-центр (справочная служба)" in html
    assert 'href="tel:+77172000099"' in html
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Договорной отдел Пн–Пт (рабочие дни) 09:00–13:00 Сейчас открыто до 13:00" in text
