"""Tariffs as data with their effective dates (W-7): in force, coming, previous."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from abonent.portal import queries
from abonent.portal.models import Tariff


def test_classified_on_a_given_day(site: object) -> None:
    table = queries.tariffs(date(2026, 11, 24))
    assert [(t.price, t.group) for t in table.current if t.unit == "kwh"] == [
        (Decimal("24.06"), "households"),
        (Decimal("33.50"), "legal_entities"),
        (Decimal("35.20"), "budget"),
    ]
    assert [t.price for t in table.upcoming] == [Decimal("25.90")]
    assert [t.price for t in table.previous] == [Decimal("22.15")]


def test_on_the_first_day_the_new_price_is_in_force(site: object) -> None:
    table = queries.tariffs(date(2027, 1, 1))
    assert Decimal("25.90") in [t.price for t in table.current]
    assert table.upcoming == []


def test_the_page_shows_prices_units_and_dates(
    site: object, at: Callable[[datetime], datetime], client: Client
) -> None:
    html = client.get("/tariffs/").content.decode()
    now = re.search(r'id="tariffs-now-h".*?</table>', html, re.S)
    assert now
    text = " ".join(re.sub(r"<[^>]+>", " ", now.group(0)).split())
    assert (
        "Электроэнергия Демонстрационное значение Бытовые потребители 24,06 тенге за кВт·ч с 01.01.2026"
        in text
    )
    assert "22,15" not in text
    assert "Прежние тарифы" in html and "01.01.2025 – 31.12.2025" in html
    client.cookies["abonent_lang"] = "kk"
    html = client.get("/tariffs/").content.decode()
    assert "кВт·сағ үшін теңге" in html and "01.01.2026 бастап" in html


def test_an_end_before_the_start_is_refused(db: None) -> None:
    t = Tariff(
        name_ru="x",
        group="households",
        unit="kwh",
        price=Decimal(1),
        effective_from=date(2026, 2, 1),
        effective_until=date(2026, 1, 1),
    )
    with pytest.raises(ValidationError):
        t.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        t.save()
    assert Tariff.objects.count() == 0
