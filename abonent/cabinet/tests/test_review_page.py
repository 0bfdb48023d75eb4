"""Issue #7: the staff review list of flagged readings (/staff/cabinet/readings/review/):
for controllers, senior operators, the head, system administrators and superusers only;
filters; accept / reject with a note; a fixed number of queries however many rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.cabinet import services
from abonent.cabinet.models import Reading
from abonent.core.roles import Role

from .conftest import Clock, add_history, make_account, make_user

URL = "/staff/cabinet/readings/review/"


def flag(number: str, *, source: str = "contact_center") -> Reading:
    meter = make_account(number, serial=f"HW-{number}")
    add_history(meter, [100, 110, 120, 130, 140])
    return services.submit_reading(
        account=number, meter=f"HW-{number}", value="200", source=source, confirm=True,
        actor=None,
    ).reading  # fmt: skip


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CONTROLLER, 200),
        (Role.SENIOR_OPERATOR, 200),
        (Role.HEAD, 200),
        (Role.SYSADMIN, 200),
        (Role.OPERATOR, 403),
        (Role.CC_OPERATOR, 403),
        (Role.CASHIER, 403),
        (Role.INTEGRATION, 403),
    ],
)
def test_who_sees_the_list(client: Client, db: None, role: str, status: int) -> None:
    client.force_login(make_user(f"u-{role}", role))
    assert client.get(URL).status_code == status


def test_a_superuser_sees_it_and_anonymous_goes_to_sign_in(client: Client, db: None) -> None:
    assert client.get(URL).status_code == 302
    client.force_login(get_user_model().objects.create(username="root", is_superuser=True))
    assert client.get(URL).status_code == 200


def test_filters_pick_the_rows(client: Client, db: None, clock: Clock) -> None:
    flag("100000001")
    flag("100000002", source="ivr")
    client.force_login(make_user("ctl", Role.CONTROLLER))
    page = client.get(URL).content.decode()
    assert "100000001" in page and "100000002" in page
    ivr = client.get(URL, {"source": "ivr"}).content.decode()
    assert "100000002" in ivr and "100000001" not in ivr
    one = client.get(URL, {"account": "100000001"}).content.decode()
    assert "100000001" in one and "100000002" not in one
    april = client.get(URL, {"month": "2026-04"}).content.decode()
    assert "100000001" not in april and "100000002" not in april
    march = client.get(URL, {"month": "2026-03"}).content.decode()
    assert "100000001" in march and "100000002" in march


def test_accept_and_reject_from_the_page(client: Client, db: None, clock: Clock) -> None:
    first, second = flag("100000001"), flag("100000002")
    client.force_login(make_user("ctl", Role.CONTROLLER))
    back = f"{URL}?source=contact_center"
    accepted = client.post(
        f"/staff/cabinet/readings/{first.pk}/review/", {"decision": "accept", "next": back}
    )
    assert (accepted.status_code, accepted["Location"]) == (302, back)
    refused = client.post(f"/staff/cabinet/readings/{second.pk}/review/", {"decision": "reject"})
    assert refused.status_code == 422
    assert Reading.objects.get(pk=second.pk).status == "needs_review"
    rejected = client.post(
        f"/staff/cabinet/readings/{second.pk}/review/",
        {"decision": "reject", "note": "photo shows 150", "next": "https://evil.example/"},
    )
    assert (rejected.status_code, rejected["Location"]) == (302, URL)
    assert [
        r.status for r in Reading.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")
    ] == [
        "accepted",
        "rejected",
    ]
    waiting = client.get(URL).content.decode()
    assert "100000001" not in waiting and "100000002" not in waiting
    done = client.get(URL, {"show": "rejected"}).content.decode()
    assert "photo shows 150" in done and "100000001" not in done
    again = client.post(
        f"/staff/cabinet/readings/{first.pk}/review/", {"decision": "reject", "note": "x"}
    )
    assert again.status_code == 409


def test_a_wrong_role_cannot_review(client: Client, db: None, clock: Clock) -> None:
    reading = flag("100000001")
    client.force_login(make_user("op", Role.OPERATOR))
    response = client.post(f"/staff/cabinet/readings/{reading.pk}/review/", {"decision": "accept"})
    assert response.status_code == 403
    assert Reading.objects.get(pk=reading.pk).status == "needs_review"


def test_the_list_takes_a_fixed_number_of_queries(
    client: Client, db: None, clock: Clock, django_assert_max_num_queries: Any
) -> None:
    for n in range(12):
        flag(f"1000000{n:02d}")
    client.force_login(make_user("ctl", Role.CONTROLLER))
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('class="review-form"') == 12
    assert Reading.objects.filter(status="needs_review", period=date(2026, 3, 1)).count() == 12
