"""Fast pages (#9 point 4): each public page reads a fixed number of queries, the same with
a little content or a lot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from abonent.portal.models import Document, FaqEntry, Page, Section, Tariff, Vacancy

# (url, cap on a cold start: includes the working-day calendar's first read)
PAGES = [
    ("/", 8),
    ("/offices/", 11),
    ("/offices/sc1/queue/", 8),
    ("/individuals/", 4),
    ("/legal-entities/", 4),
    ("/tariffs/", 5),
    ("/vacancies/", 5),
    ("/payment/", 4),
    ("/legal/", 4),
    ("/faq/", 2),
    ("/faq/?q=%D1%81%D1%87%D1%91%D1%82", 2),
    ("/documents/", 2),
    ("/pages/home-visits/", 2),
    ("/sitemap.xml", 2),
]


def _more_content() -> None:
    for n in range(15):
        Page.objects.create(
            slug=f"extra-{n}", section=Section.INDIVIDUALS, title_ru=f"Страница {n}"
        )
        FaqEntry(
            section=Section.INDIVIDUALS, question_ru=f"Вопрос про счёт {n}", answer_ru="Ответ"
        ).save()
        Document.objects.create(
            section=Section.LEGAL, title_ru=f"Документ {n}", file=f"portal/documents/x{n}.pdf"
        )
        Tariff.objects.create(
            name_ru=f"Тариф {n}",
            group="households",
            unit="kwh",
            price=Decimal("1.00"),
            effective_from=date(2020 + n % 8, 1, 1),
        )
        Vacancy.objects.create(title_ru=f"Вакансия {n}", body_ru="Текст")


@pytest.mark.parametrize(("url", "cap"), PAGES)
def test_each_page_stays_under_its_query_cap(
    site: object,
    at: object,
    client: Client,
    django_assert_max_num_queries: object,
    url: str,
    cap: int,
) -> None:
    with django_assert_max_num_queries(cap):  # type: ignore[operator]
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("url", "cap"), PAGES)
def test_the_count_does_not_grow_with_the_content(
    site: object, at: object, client: Client, url: str, cap: int
) -> None:
    client.get(url)  # warm the per-process calendar
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _more_content()
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)
