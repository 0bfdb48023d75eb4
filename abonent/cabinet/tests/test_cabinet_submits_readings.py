"""PC-1: a signed-in individual submits hot-water readings for their own accounts only, on
the page and through the API with the cabinet session."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import Client

from abonent.cabinet.models import Reading
from abonent.core.models import AuditEntry

from .conftest import Clock, sign_in

MARCH = date(2026, 3, 1)


def test_the_form_stores_the_reading_from_the_cabinet(
    client: Client, cabinet_demo: None, auth_clock: Clock, clock: Clock
) -> None:
    sign_in(client, "1000000001")
    response = client.post(
        "/cabinet/readings/", {"account": "1000000001", "meter": "HW-1001", "value": "360,5"}
    )
    assert response.status_code == 302
    reading = Reading.objects.get(meter__serial="HW-1001", period=MARCH)
    assert (reading.value, reading.source, reading.submitted_by) == (
        Decimal("360.500"),
        "cabinet",
        None,
    )
    entry = AuditEntry.objects.for_object(reading).get()
    assert (entry.action, entry.actor_label, entry.note) == (
        "reading.submitted",
        "system",
        "cabinet:1000000001",
    )


def test_a_refusal_is_shown_and_nothing_stored(
    client: Client, cabinet_demo: None, auth_clock: Clock, clock: Clock
) -> None:
    sign_in(client, "1000000001")
    response = client.post(
        "/cabinet/readings/", {"account": "1000000001", "meter": "HW-1001", "value": "12a"}
    )
    assert response.status_code == 422
    assert not Reading.objects.filter(period=MARCH).exists()


def test_another_consumers_account_is_forbidden(
    client: Client, cabinet_demo: None, auth_clock: Clock, clock: Clock
) -> None:
    sign_in(client, "1000000001")
    response = client.post(
        "/cabinet/readings/", {"account": "1000000002", "meter": "HW-1002-A", "value": "1300"}
    )
    assert response.status_code == 403
    api = client.post(
        "/api/v1/readings",
        {"account": "1000000002", "meter": "HW-1002-A", "value": "1300", "source": "cabinet"},
        content_type="application/json",
    )
    assert (api.status_code, api.json()["code"]) == (403, "forbidden")
    assert not Reading.objects.filter(period=MARCH).exists()


def test_the_api_takes_the_cabinet_session(
    client: Client, cabinet_demo: None, auth_clock: Clock, clock: Clock
) -> None:
    sign_in(client, "1000000003")
    api = client.post(
        "/api/v1/readings",
        {"account": "1000000003", "meter": "HW-1003", "value": "0002", "source": "cabinet"},
        content_type="application/json",
    )
    assert api.status_code == 201, api.content
    assert (api.json()["rollover"], api.json()["consumption"]) == (True, "9")
    staff_source = client.post(
        "/api/v1/readings",
        {"account": "1000000003", "meter": "EL-1003", "value": "50000", "source": "contact_center"},
        content_type="application/json",
    )
    assert staff_source.status_code == 403


def test_the_api_with_a_session_needs_the_csrf_token(
    cabinet_demo: None, auth_clock: Clock, clock: Clock
) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/cabinet/sign-in/")
    token = page.cookies["csrftoken"].value
    client.post(
        "/cabinet/sign-in/", {"login": "1000000001", "secret": "demo", "csrfmiddlewaretoken": token}
    )
    body = {"account": "1000000001", "meter": "HW-1001", "value": "360", "source": "cabinet"}
    refused = client.post("/api/v1/readings", body, content_type="application/json")
    assert refused.status_code in (401, 403)
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/readings", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201
