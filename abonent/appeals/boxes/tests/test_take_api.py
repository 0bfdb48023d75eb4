"""K-6 / K-2: an operator of a service centre puts a paper appeal into the box (API)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from abonent.appeals.boxes.models import BoxItem, ItemStatus
from abonent.appeals.models import Appeal
from abonent.core.models import AuditEntry

from .helpers import PDF, PNG, item_body, post

pytestmark = pytest.mark.django_db
URL = "/api/v1/boxes/items"


def test_k6_operator_puts_a_complete_appeal_into_the_box_of_their_centre(
    demo: None, client: Client, token_for: Any
) -> None:
    r = post(client, URL, item_body(), token_for("operator"))
    assert r.status_code == 201, r.content
    body = r.json()
    item = BoxItem.objects.get(pk=body["id"])
    assert item.office.code == "sc1" and item.taken_by.username == "operator"
    assert item.status == ItemStatus.IN_BOX and item.appeal is None
    assert body["box_number"] == f"SC1-{item.year}-0001" == item.box_number
    assert body["complete"] is True and body["accepted_incomplete"] is False
    assert [c["code"] for c in body["checks"]] == ["surname", "first_name", "contact", "substance"]
    assert body["overdue"] is False and body["status"] == "in_box"
    # normalised as the registry does: phone to +7…, e-mail lower-case
    assert item.phone == "+77011234567" and item.email == "ivan@example.kz"
    assert body["applicant"]["last_name"] == "Иванов"
    assert not Appeal.objects.exists()  # nothing is registered before the collection
    entry = AuditEntry.objects.for_object(item).get()
    assert entry.action == "box.item_taken" and entry.actor_label == "operator"


def test_k6_box_numbers_are_per_centre_and_consecutive(
    demo: None, client: Client, token_for: Any
) -> None:
    numbers = [
        post(client, URL, item_body(), token_for("operator")).json()["box_number"] for _ in range(3)
    ]
    assert [n.split("-")[-1] for n in numbers] == ["0001", "0002", "0003"]


def test_k2_incomplete_appeal_is_refused_until_the_operator_confirms(
    demo: None, client: Client, token_for: Any
) -> None:
    token = token_for("senior_operator")
    applicant = {"type": "individual", "last_name": "Иванов"}
    r = post(client, URL, item_body(applicant=applicant), token)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "incomplete"
    assert body["checks"] == {
        "surname": True,
        "first_name": False,
        "contact": False,
        "substance": True,
    }
    assert set(body["fields"]) == {"applicant.first_name", "applicant.postal_address"}
    assert not BoxItem.objects.exists()

    r = post(client, URL, item_body(applicant=applicant, accept_incomplete=True), token)
    assert r.status_code == 201
    item = BoxItem.objects.get()
    assert item.complete is False and item.accepted_incomplete is True
    assert item.failed_checks == ["first_name", "contact"]


@pytest.mark.parametrize(
    ("over", "field", "code"),
    [
        ({"text": "   "}, "text", "validation_error"),
        (
            {"applicant": {"type": "individual", "email": "not-an-email"}},
            "applicant.email",
            "validation_error",
        ),
        (
            {"applicant": {"type": "individual", "phone": "call me"}},
            "applicant.phone",
            "validation_error",
        ),
        (
            {"applicant": {"type": "individual", "outgoing_date": "2999-01-01"}},
            "applicant.outgoing_date",
            "validation_error",
        ),
        ({"sheets": 0}, "sheets", "validation_error"),
        ({"kind": "gossip"}, "kind", "validation_error"),
        ({"applicant": {"type": "alien"}}, "applicant.type", "validation_error"),
        ({"text": "x" * 20_001}, "text", "validation_error"),
    ],
)
def test_k6_wrongly_filled_appeal_is_refused_with_field_errors_even_if_confirmed(
    demo: None, client: Client, token_for: Any, over: dict[str, Any], field: str, code: str
) -> None:
    r = post(client, URL, item_body(accept_incomplete=True, **over), token_for("operator"))
    assert r.status_code == 422, r.content
    assert r.json()["code"] == code
    assert field in r.json()["fields"]
    assert not BoxItem.objects.exists()
    assert not AuditEntry.objects.filter(action="box.item_taken").exists()


@pytest.mark.parametrize("username", ["clerk", "chancellery", "manager", "cashier", "admin"])
def test_k6_a_user_without_a_service_centre_box_gets_403(
    demo: None, client: Client, token_for: Any, username: str
) -> None:
    r = post(client, URL, item_body(), token_for(username))
    assert r.status_code == 403
    assert r.json()["code"] in {"forbidden", "no_centre"}
    assert not BoxItem.objects.exists()


def test_k6_hall_admin_of_the_central_office_has_no_box(
    demo: None, client: Client, token_for: Any
) -> None:
    """The box carries appeals from a service centre to the central office; the central
    office's hall has none."""
    r = post(client, URL, item_body(), token_for("hall_admin"))
    assert r.status_code == 403 and r.json()["code"] == "no_centre"


def test_k6_no_token_is_401(demo: None, client: Client) -> None:
    assert post(client, URL, item_body()).status_code == 401


def test_k6_scan_is_checked_by_content_and_attached_while_in_the_box(
    demo: None, client: Client, token_for: Any
) -> None:
    token = token_for("operator")
    item_id = post(client, URL, item_body(), token).json()["id"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 this is an executable", "application/pdf")
    r = client.post(f"{URL}/{item_id}/scan", {"file": fake}, **headers)
    assert r.status_code == 422 and r.json()["code"] == "file_type_not_allowed"
    assert BoxItem.objects.get().scan_sha256 == ""

    good = SimpleUploadedFile("scan.png", PNG, "image/png")
    r = client.post(f"{URL}/{item_id}/scan", {"file": good}, **headers)
    assert r.status_code == 200 and r.json()["has_scan"] is True
    item = BoxItem.objects.get()
    assert item.scan_type == "image/png" and item.scan_size == len(PNG)

    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf")
    r = client.post(f"{URL}/{item_id}/scan", {"file": big}, **headers)
    assert r.status_code == 413
    assert BoxItem.objects.get().scan_type == "image/png"
