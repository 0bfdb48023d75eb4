"""K-7: the outcome of the reception is recorded on the booking and in the appeal's audit
history; when it closes the matter the answer is registered as given in person (W-5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from abonent.appeals.models import Answer, Appeal
from abonent.appeals.reception.models import Booking, ReceptionSlot
from abonent.core.models import AuditEntry

from .conftest import make_slot

URL = "/api/v1/reception/bookings"
RU_OUTCOME = "На приеме разъяснен порядок перерасчёта, потребитель согласен с начислениями."


@pytest.fixture
def booked(slot, written, post_json) -> Booking:
    r = post_json(URL, {"slot": slot.pk, "appeal": written.pk})
    assert r.status_code == 201
    booking = Booking.objects.get(pk=r.json()["id"])
    # the reception took place an hour ago
    start = timezone.now() - timedelta(hours=1)
    ReceptionSlot.objects.filter(pk=slot.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=30)
    )
    return booking


def test_k7_outcome_is_recorded_on_the_booking_and_audited_on_the_appeal(booked, post_json) -> None:
    r = post_json(f"{URL}/{booked.pk}/outcome", {"attended": True, "text": RU_OUTCOME})
    assert r.status_code == 200, r.content
    assert (r.json()["attendance"], r.json()["outcome_text"]) == ("attended", RU_OUTCOME)
    booked.refresh_from_db()
    assert (booked.attendance, booked.outcome_text, booked.outcome_by.username) == (
        "attended",
        RU_OUTCOME,
        "chancellery",
    )
    assert booked.outcome_at is not None
    entry = AuditEntry.objects.for_object(booked.appeal).get(action="reception.outcome")
    assert entry.after == {
        "booking": booked.pk,
        "attendance": "attended",
        "outcome_text": RU_OUTCOME,
        "closes": "",
    }
    appeal = Appeal.objects.get(pk=booked.appeal_id)
    assert appeal.is_open and not Answer.objects.exists()
    again = post_json(f"{URL}/{booked.pk}/outcome", {"attended": False})
    assert again.status_code == 409 and again.json()["code"] == "outcome_already_recorded"


def test_k7_an_outcome_that_closes_the_matter_registers_the_answer_in_person(
    booked, post_json
) -> None:
    r = post_json(
        f"{URL}/{booked.pk}/outcome",
        {"attended": True, "text": RU_OUTCOME, "close_as": "explained"},
    )
    assert r.status_code == 200, r.content
    answer = Answer.objects.get(appeal=booked.appeal)
    assert (answer.method, answer.outcome, answer.text, answer.language) == (
        "in_person",
        "explained",
        RU_OUTCOME,
        "ru",
    )
    appeal = Appeal.objects.get(pk=booked.appeal_id)
    assert appeal.status == "answered"
    actions = list(
        AuditEntry.objects.for_object(appeal).order_by("id").values_list("action", flat=True)
    )
    assert actions[-2:] == ["reception.outcome", "appeal.answered"]


def test_an_answer_in_the_wrong_language_rolls_the_outcome_back(booked, post_json) -> None:
    r = post_json(
        f"{URL}/{booked.pk}/outcome",
        {
            "attended": True,
            "text": "Қайта есептеу тәртібі түсіндірілді, тұтынушы келісті.",
            "close_as": "explained",
        },
    )
    assert r.status_code == 422 and r.json()["code"] == "language_mismatch"
    booked.refresh_from_db()
    assert booked.attendance == "" and booked.outcome_at is None
    assert not AuditEntry.objects.filter(action="reception.outcome").exists()


def test_a_no_show_is_recorded_and_cannot_close_the_appeal(booked, post_json) -> None:
    r = post_json(f"{URL}/{booked.pk}/outcome", {"attended": False, "close_as": "explained"})
    assert r.status_code == 422 and "close_as" in r.json()["fields"]
    booked.refresh_from_db()
    assert booked.attendance == ""
    r = post_json(f"{URL}/{booked.pk}/outcome", {"attended": False})
    assert r.status_code == 200 and r.json()["attendance"] == "no_show"


def test_an_attended_reception_needs_its_outcome_text(booked, post_json) -> None:
    r = post_json(f"{URL}/{booked.pk}/outcome", {"attended": True, "text": "  "})
    assert r.status_code == 422 and "text" in r.json()["fields"]


def test_the_outcome_waits_for_the_reception(official, written, post_json) -> None:
    future = make_slot(official, days=2)
    b = post_json(URL, {"slot": future.pk, "appeal": written.pk}).json()
    r = post_json(f"{URL}/{b['id']}/outcome", {"attended": True, "text": RU_OUTCOME})
    assert r.status_code == 409 and r.json()["code"] == "reception_not_started"


def test_a_cancelled_booking_has_no_outcome_and_a_recorded_one_cannot_be_cancelled(
    booked, post_json
) -> None:
    post_json(f"{URL}/{booked.pk}/outcome", {"attended": False})
    r = post_json(f"{URL}/{booked.pk}/cancel", {})
    assert r.status_code == 409 and r.json()["code"] == "outcome_already_recorded"


def test_a_cancelled_booking_refuses_an_outcome(booked, post_json) -> None:
    post_json(f"{URL}/{booked.pk}/cancel", {})
    r = post_json(f"{URL}/{booked.pk}/outcome", {"attended": True, "text": RU_OUTCOME})
    assert r.status_code == 409 and r.json()["code"] == "booking_cancelled"


def test_the_contact_centre_books_but_does_not_record_outcomes(booked, post_json) -> None:
    r = post_json(f"{URL}/{booked.pk}/outcome", {"attended": False}, user="cc_operator")
    assert r.status_code == 403
    booked.refresh_from_db()
    assert booked.attendance == ""


def test_an_unknown_booking_is_404(demo, post_json) -> None:
    r = post_json(f"{URL}/999999/outcome", {"attended": False})
    assert r.status_code == 404 and r.json()["code"] == "not_found"
