"""The information stand (Q-1), on the kiosk and on the website: the order of reception and
the typical questions are data staff edit (published topics of this office and of all
offices), and who does what — services with their windows, and the units (ORG-3) with
their hours (ORG-4)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from abonent.core.models import Office, Window
from abonent.equeue.demo import TEXTS, load_info_topics
from abonent.equeue.models import InfoTopic, TopicKind
from abonent.equeue.tests.conftest import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics(demo: None) -> dict[str, InfoTopic]:
    sc1 = Office.objects.get(code="sc1")
    sc2 = Office.objects.get(code="sc2")

    def make(key: str, office: Office | None, kind: str, published: bool = True) -> InfoTopic:
        return InfoTopic.objects.create(
            office=office,
            kind=kind,
            title_ru=f"Заголовок {key}",
            title_kk=f"Тақырып {key}",
            body_ru=f"Текст {key}",
            body_kk=f"Мәтін {key}",
            is_published=published,
        )

    return {
        "all": make("all", None, TopicKind.ORDER),
        "sc1": make("sc1", sc1, TopicKind.FAQ),
        "sc2": make("sc2", sc2, TopicKind.FAQ),
        "hidden": make("hidden", sc1, TopicKind.FAQ, published=False),
        "who": make("who", None, TopicKind.WHO),
    }


@pytest.mark.parametrize("url", ["/queue/sc1/info/", "/queue/sc1/kiosk/info/"])
def test_it_shows_the_published_topics_of_this_office_and_of_all_offices(
    client: Client, topics: dict[str, InfoTopic], clock: Clock, url: str
) -> None:
    body = client.get(url).content.decode()

    for shown in ("all", "sc1", "who"):
        assert f"Заголовок {shown}" in body and f"Текст {shown}" in body
        assert f'data-topic="{topics[shown].pk}"' in body
    for hidden in ("sc2", "hidden"):
        assert f"Заголовок {hidden}" not in body
        assert f'data-topic="{topics[hidden].pk}"' not in body


def test_the_topics_are_in_kazakh_for_a_kazakh_reader(
    client: Client, topics: dict[str, InfoTopic], clock: Clock
) -> None:
    client.cookies["abonent_lang"] = "kk"
    body = client.get("/queue/sc1/info/").content.decode()

    assert '<html lang="kk"' in body
    assert "Тақырып sc1" in body and "Мәтін sc1" in body
    assert "Заголовок sc1" not in body


def test_it_says_which_windows_serve_each_service(client: Client, demo: None, clock: Clock) -> None:
    Window.objects.filter(office__code="sc1", number=2).update(is_active=False)
    body = client.get("/queue/sc1/info/").content.decode()

    windows = dict(re.findall(r'data-service="([a-z]+)">.*?class="windows">([^<]*)<', body, re.S))
    assert windows == {"household": "1", "billing": "1, 3"}
    assert "Консультации, договоры, документы" in body


def test_it_lists_the_units_with_their_hours(client: Client, demo: None, clock: Clock) -> None:
    body = client.get("/queue/central/info/").content.decode()

    for code in ("sales", "contracts", "accounting", "chancellery", "contact_center", "management"):
        assert f'data-unit="{code}"' in body
    assert "Договорной отдел" in body and "09:00–13:00" in body
    assert "Контакт-центр (справочная служба)" in body and "09:00–18:00" in body
    # The cash hall's own hours, with its technical break.
    assert "16:00–16:15" in body


def test_an_unknown_office_has_no_stand(client: Client, demo: None, clock: Clock) -> None:
    assert client.get("/queue/nowhere/info/").status_code == 404
    assert client.get("/queue/nowhere/kiosk/info/").status_code == 404


def test_the_stand_reads_a_fixed_number_of_queries(
    client: Client, demo: None, clock: Clock, django_assert_max_num_queries: Any
) -> None:
    load_info_topics()
    client.get("/queue/central/kiosk/info/")
    with django_assert_max_num_queries(9):
        assert client.get("/queue/central/kiosk/info/").status_code == 200


def test_the_demo_texts_load_once_in_both_languages(demo: None) -> None:
    created = load_info_topics()
    again = load_info_topics()

    # Texts for all offices once; "*sc" once per service centre; "central" once.
    expected = sum(
        {None: 1, "*sc": 4, "central": 1}[t.office]
        for t in TEXTS  # type: ignore[index]
    )
    assert (created, again, InfoTopic.objects.count()) == (expected, 0, expected)
    assert not InfoTopic.objects.filter(title_kk="").exists()
    assert not InfoTopic.objects.filter(body_kk="").exists()
    kazakh = set("әғқңөұүһі")
    assert all(kazakh & set(t.body_kk.lower()) for t in InfoTopic.objects.all())
