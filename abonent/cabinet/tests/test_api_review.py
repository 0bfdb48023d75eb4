"""Issue #7 through the API: GET /api/v1/readings/review lists flagged readings for the
reviewing roles; POST /api/v1/readings/{id}/review accepts or rejects one (a rejection
needs a note); other roles get 403 and change nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client

from abonent.cabinet import services
from abonent.cabinet.models import Reading
from abonent.core.roles import Role
from abonent.core.services import issue_api_token

from .conftest import Api, Clock, add_history, make_account, make_user


def flag(number: str) -> Reading:
    meter = make_account(number, serial=f"HW-{number}")
    add_history(meter, [100, 110, 120, 130, 140])
    return services.submit_reading(
        account=number, meter=f"HW-{number}", value="200", source="ivr", confirm=True,
        actor=None,
    ).reading  # fmt: skip


def api_for(client: Client, role: str) -> Api:
    return Api(client, issue_api_token(user=make_user(f"api-{role}", role)))


def test_a_controller_lists_and_decides(client: Client, db: None, clock: Clock) -> None:
    first, second = flag("100000001"), flag("100000002")
    api = api_for(client, Role.CONTROLLER)
    listed = api.get("/readings/review")
    assert listed.status_code == 200
    assert [
        (r["id"], r["account"], r["value"], r["previous_value"], r["consumption"])
        for r in listed.json()
    ] == [
        (first.pk, "100000001", "200", "140", "60"),
        (second.pk, "100000002", "200", "140", "60"),
    ]
    no_note = api.post(f"/readings/{second.pk}/review", {"decision": "reject"})
    assert (no_note.status_code, no_note.json()["code"]) == (422, "note_required")
    done = api.post(f"/readings/{first.pk}/review", {"decision": "reject", "note": "photo: 150"})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["review_note"]) == ("rejected", "photo: 150")
    assert [r["id"] for r in api.get("/readings/review").json()] == [second.pk]
    assert [r["id"] for r in api.get("/readings/review?show=rejected").json()] == [first.pk]
    again = api.post(f"/readings/{first.pk}/review", {"decision": "accept"})
    assert (again.status_code, again.json()["code"]) == (409, "not_flagged")
    assert api.post("/readings/999999/review", {"decision": "accept"}).status_code == 404


def test_other_roles_are_refused(client: Client, db: None, clock: Clock) -> None:
    reading = flag("100000001")
    for role in (Role.CC_OPERATOR, Role.INTEGRATION, Role.OPERATOR):
        api = api_for(client, role)
        assert api.get("/readings/review").status_code == 403
        refused = api.post(f"/readings/{reading.pk}/review", {"decision": "accept"})
        assert refused.status_code == 403
    assert Reading.objects.get(pk=reading.pk).status == "needs_review"


def test_the_list_takes_a_fixed_number_of_queries(
    client: Client, db: None, clock: Clock, django_assert_max_num_queries: Any
) -> None:
    for n in range(10):
        flag(f"1000000{n:02d}")
    api = api_for(client, Role.HEAD)
    with django_assert_max_num_queries(4):
        response = api.get("/readings/review?limit=100")
    assert len(response.json()) == 10
