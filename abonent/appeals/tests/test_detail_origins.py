"""The appeal's registration card shows where it came from: its complaint-book entry
(B-1), its service-centre box and collection act (K-6), its personal-reception booking with
the marks "С приема" / "принято по телефону" (K-7) — and the history names these steps."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from abonent.appeals.book.demo import load_demo as load_books
from abonent.appeals.models import Appeal
from abonent.appeals.reception.demo import load_demo as load_reception
from abonent.appeals.reception.models import ReceptionSlot
from abonent.appeals.tests.helpers import post

pytestmark = pytest.mark.django_db

TEXT = "Прошу проверить начисления за электроэнергию за октябрь, сумма завышена."


def _card(token_client: Client, appeal_id: int) -> str:
    r = token_client.get(f"/staff/appeals/{appeal_id}/")
    assert r.status_code == 200
    return r.content.decode()


@pytest.fixture
def chancellery(demo: None, client: Client) -> Client:
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="chancellery"))
    return client


def test_a_book_entry_is_linked_from_its_appeal(chancellery: Client) -> None:
    load_books()
    r = post(
        Client(),
        "/api/v1/book/sc1/entries",
        {"kind": "complaint", "text": TEXT, "idempotency_key": uuid.uuid4().hex},
    )
    assert r.status_code == 201, r.content
    body: dict[str, Any] = r.json()
    appeal = Appeal.objects.get(incoming_number=body["incoming_number"])
    card = _card(chancellery, appeal.pk)
    assert f"/staff/book/entries/{body['id']}/" in card
    assert f"№ {body['book_number']}" in card


def test_a_collected_box_item_shows_its_box_and_act(chancellery: Client, token_for: Any) -> None:
    item = post(
        Client(),
        "/api/v1/boxes/items",
        {
            "kind": "complaint",
            "applicant": {
                "type": "individual",
                "last_name": "Омарова",
                "first_name": "Сауле",
                "postal_address": "Астана, ул. Кенесары, 10",
                "phone": "+77015550011",
            },
            "text": TEXT,
        },
        token_for("operator"),
    )
    assert item.status_code == 201, item.content
    act = post(Client(), "/api/v1/boxes/collections", {}, token_for("chancellery"))
    assert act.status_code == 201, act.content
    [collected] = act.json()["items"]
    card = _card(chancellery, collected["appeal"])
    assert collected["box_number"] in card
    assert f"/staff/boxes/collections/{act.json()['id']}/" in card


def test_a_phone_sign_up_for_a_reception_carries_both_marks(
    chancellery: Client, token_for: Any
) -> None:
    load_reception()
    slot = ReceptionSlot.objects.filter(bookings__isnull=True).order_by("starts_at").first()
    assert slot is not None
    r = post(
        Client(),
        "/api/v1/reception/bookings",
        {
            "slot": slot.pk,
            "by_phone": True,
            "kind": "request",
            "text": TEXT,
            "applicant": {
                "type": "individual",
                "last_name": "Беков",
                "first_name": "Арман",
                "phone": "+77017770022",
            },
        },
        token_for("chancellery"),
    )
    assert r.status_code == 201, r.content
    card = _card(chancellery, r.json()["appeal"]["id"])
    assert "С приема" in card and "принято по телефону" in card
    assert "Записан на личный прием" in card  # the history's label for the booking
