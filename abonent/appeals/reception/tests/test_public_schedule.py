"""W-7: the public "График приема граждан" — officials, positions, days and hours, place,
how to sign up (the central office's phone), free slots of the next two weeks; never any
consumer data; rate-limited."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from abonent.appeals.reception.models import Weekday
from abonent.core.models import Office

from .conftest import add_hours, make_slot

URL = "/api/v1/reception/schedule"


@pytest.fixture
def published(official, other_official, written, post_json):
    add_hours(official, Weekday.TUESDAY, "14:00", "17:00", 20)
    add_hours(other_official, Weekday.THURSDAY, "10:00", "12:00", 15)
    slots = [make_slot(official, days=2, hour=h) for h in (10, 11, 12)]
    make_slot(official, days=20)  # beyond two weeks
    make_slot(other_official, days=3)
    assert (
        post_json(
            "/api/v1/reception/bookings", {"slot": slots[0].pk, "appeal": written.pk}
        ).status_code
        == 201
    )
    return written


def test_w7_schedule_lists_officials_hours_place_and_free_slots(published, client: Client) -> None:
    r = client.get(URL)
    assert r.status_code == 200
    body = r.json()
    first, second = body["officials"]
    assert (first["full_name"], first["position"]) == (
        "Тулегенов Марат",
        "Заместитель генерального директора",
    )
    assert first["hours"] == [
        {
            "weekday": 1,
            "weekday_name": "Вторник",
            "starts": "14:00",
            "ends": "17:00",
            "slot_minutes": 20,
            "place": "каб. 201, ул. Демо-Центральная, 1",
        }
    ]
    assert first["free_slots_next_2_weeks"] == 2  # three in two weeks, one taken
    assert second["free_slots_next_2_weeks"] == 1
    central = Office.objects.get(code="central")
    assert body["sign_up"]["phone"] == central.phone == "+7 7172 00-00-00"
    assert central.phone in body["sign_up"]["by_phone"]
    assert central.address_ru in body["sign_up"]["written"]
    assert "С приема" in body["sign_up"]["written"]


def test_w7_schedule_in_kazakh(published, client: Client) -> None:
    body = client.get(URL, HTTP_ACCEPT_LANGUAGE="kk").json()
    first = body["officials"][0]
    assert first["position"] == "Бас директордың орынбасары"
    assert first["hours"][0]["weekday_name"] == "Сейсенбі"
    assert first["hours"][0]["place"] == "201 каб., Демо-Орталық к-сі, 1"


def test_w7_no_consumer_data_on_the_public_schedule(published, client: Client) -> None:
    appeal = published
    for response in (client.get(URL), client.get("/reception/")):
        text = response.content.decode()
        for secret in (
            appeal.last_name,
            appeal.first_name,
            appeal.phone,
            appeal.email,
            appeal.incoming_number,
        ):
            assert secret not in text


def test_officials_without_hours_or_inactive_are_not_published(
    official, other_official, client: Client
) -> None:
    add_hours(official, Weekday.MONDAY, "10:00", "11:00", 30)
    h = add_hours(other_official, Weekday.MONDAY, "10:00", "11:00", 30)
    h.is_active = False
    h.save()
    assert [o["id"] for o in client.get(URL).json()["officials"]] == [official.pk]
    official.is_active = False
    official.save()
    assert client.get(URL).json()["officials"] == []


def test_the_schedule_takes_a_fixed_number_of_queries(
    published, client: Client, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(4):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/reception/").status_code == 200


@override_settings(ABONENT_RATE_LIMITS=True)
def test_the_public_schedule_is_rate_limited(demo, client: Client) -> None:
    cache.clear()
    for _ in range(60):
        assert client.get(URL).status_code == 200
    r = client.get(URL)
    assert r.status_code == 429 and r.json()["code"] == "rate_limited"
    assert client.get("/reception/").status_code == 429
    cache.clear()


def test_w7_the_page_shows_the_schedule_and_how_to_sign_up_in_both_languages(
    published, client: Client
) -> None:
    ru = client.get("/reception/").content.decode()
    assert "График приема граждан" in ru and "Тулегенов Марат" in ru
    assert "Вторник, 14:00–17:00" in ru and "+7 7172 00-00-00" in ru
    assert "В праздничные и выходные дни прием не проводится." in ru
    client.cookies["abonent_lang"] = "kk"
    kk = client.get("/reception/").content.decode()
    assert "Азаматтарды қабылдау кестесі" in kk and "Сейсенбі, 14:00–17:00" in kk
    assert "Бас директордың орынбасары" in kk
