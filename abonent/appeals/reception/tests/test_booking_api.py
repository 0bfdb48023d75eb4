"""K-7: signing up for a personal reception through the API — on a written appeal (stamp
"С приема") or by phone (also "принято по телефону"); a slot is booked once; the consumer
is told the date, time and place in the appeal's language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from abonent.appeals.models import Appeal
from abonent.appeals.reception.models import Booking
from abonent.core.models import AuditEntry
from abonent.notify.models import OutgoingMessage

from .conftest import KK_TEXT, make_slot, new_appeal

URL = "/api/v1/reception/bookings"
CALLER = {
    "type": "individual",
    "last_name": "Сәрсенбаев",
    "first_name": "Ерлан",
    "phone": "8 701 555 44 33",
    "email": "erlan@example.kz",
}


def _phone_body(slot_id: int, **over):
    body = {
        "slot": slot_id,
        "applicant": dict(CALLER),
        "text": KK_TEXT,
        "kind": "complaint",
        "language": "kk",
        "by_phone": True,
    }
    body.update(over)
    return body


def test_k7_written_sign_up_is_stamped_from_reception_only(slot, written, post_json) -> None:
    OutgoingMessage.objects.all().delete()
    r = post_json(URL, {"slot": slot.pk, "appeal": written.pk})
    assert r.status_code == 201, r.content
    body = r.json()
    booking = Booking.objects.get()
    assert body["id"] == booking.pk
    assert body["slot"] == slot.pk
    assert body["appeal"] == {"id": written.pk, "incoming_number": written.incoming_number}
    assert [m["code"] for m in body["marks"]] == ["from_reception"]
    assert body["marks"][0]["label"] == "С приема"
    assert body["official"]["full_name"] == "Тулегенов Марат"
    assert body["place"] == "каб. 201, ул. Демо-Центральная, 1"
    assert body["source"] == "written"
    local = timezone.localtime(slot.starts_at)
    assert body["starts_at"] == local.isoformat()
    assert f"{local:%d.%m.%Y}" in body["announcement"] and f"{local:%H:%M}" in body["announcement"]
    assert (booking.mark_from_reception, booking.mark_by_phone, booking.booked_by.username) == (
        True,
        False,
        "chancellery",
    )
    entry = AuditEntry.objects.for_object(written).get(action="reception.booked")
    assert entry.after["marks"] == ["from_reception"] and entry.actor.username == "chancellery"
    # told by mail in the appeal's language (Russian)
    [mail] = OutgoingMessage.objects.all()
    assert mail.to == "ivan@example.kz" and mail.language == "ru"
    assert mail.subject == f"Личный прием по вашему обращению № {written.incoming_number}"
    assert f"{local:%d.%m.%Y}" in mail.body and "каб. 201" in mail.body


def test_k7_sign_up_by_incoming_number_works_too(slot, written, post_json) -> None:
    r = post_json(URL, {"slot": slot.pk, "incoming_number": written.incoming_number})
    assert r.status_code == 201 and r.json()["appeal"]["id"] == written.pk


def test_k7_phone_sign_up_registers_an_appeal_marked_accepted_by_phone_in_kazakh(
    slot, post_json
) -> None:
    r = post_json(URL, _phone_body(slot.pk), user="cc_operator")
    assert r.status_code == 201, r.content
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.language, appeal.last_name, appeal.phone) == (
        "personal_reception",
        "kk",
        "Сәрсенбаев",
        "+77015554433",
    )
    assert appeal.registered_by.username == "cc_operator"
    body = r.json()
    assert body["appeal"] == {"id": appeal.pk, "incoming_number": appeal.incoming_number}
    assert [m["code"] for m in body["marks"]] == ["from_reception", "by_phone"]
    assert body["source"] == "phone"
    b = Booking.objects.get()
    assert (b.mark_from_reception, b.mark_by_phone) == (True, True)
    # the notice is in Kazakh, with the Kazakh place
    [mail] = OutgoingMessage.objects.all()
    assert mail.language == "kk" and mail.to == "erlan@example.kz"
    assert mail.subject == f"№ {appeal.incoming_number} өтінішіңіз бойынша жеке қабылдау"
    assert "201 каб., Демо-Орталық к-сі, 1" in mail.body
    assert "Бас директордың орынбасары" in mail.body
    assert "201 каб." in body["announcement"]  # read out in the appeal's language
    assert AuditEntry.objects.for_object(appeal).filter(action="reception.booked").count() == 1


def test_k7_an_existing_appeal_can_be_signed_up_by_phone(slot, written, post_json) -> None:
    r = post_json(URL, {"slot": slot.pk, "appeal": written.pk, "by_phone": True})
    assert r.status_code == 201
    assert [m["code"] for m in r.json()["marks"]] == ["from_reception", "by_phone"]


def test_no_mail_without_an_e_mail_address(slot, demo, post_json) -> None:
    appeal = new_appeal(email="")
    OutgoingMessage.objects.all().delete()
    assert post_json(URL, {"slot": slot.pk, "appeal": appeal.pk}).status_code == 201
    assert OutgoingMessage.objects.count() == 0


def test_a_taken_slot_is_refused_with_409_and_nothing_is_registered(
    slot, written, post_json
) -> None:
    assert post_json(URL, {"slot": slot.pk, "appeal": written.pk}).status_code == 201
    appeals, mails = Appeal.objects.count(), OutgoingMessage.objects.count()
    r = post_json(URL, _phone_body(slot.pk))
    assert r.status_code == 409 and r.json()["code"] == "slot_taken"
    assert (Appeal.objects.count(), OutgoingMessage.objects.count()) == (appeals, mails)
    assert Booking.objects.count() == 1


def test_a_cancelled_booking_frees_the_slot(slot, written, post_json, demo) -> None:
    first = post_json(URL, {"slot": slot.pk, "appeal": written.pk}).json()
    r = post_json(f"{URL}/{first['id']}/cancel", {"reason": "попросил перенести"})
    assert r.status_code == 200 and r.json()["cancelled_at"]
    entry = AuditEntry.objects.for_object(written).get(action="reception.cancelled")
    assert entry.note == "попросил перенести"
    other = new_appeal(last_name="Петров")
    again = post_json(URL, {"slot": slot.pk, "appeal": other.pk})
    assert again.status_code == 201
    r = post_json(f"{URL}/{first['id']}/cancel", {})
    assert r.status_code == 409 and r.json()["code"] == "already_cancelled"


def test_cancelling_a_future_reception_tells_the_consumer(slot, written, post_json) -> None:
    b = post_json(URL, {"slot": slot.pk, "appeal": written.pk}).json()
    OutgoingMessage.objects.all().delete()
    post_json(f"{URL}/{b['id']}/cancel", {})
    [mail] = OutgoingMessage.objects.all()
    assert mail.subject == f"Личный прием по вашему обращению № {written.incoming_number} отменен"


def test_a_slot_in_the_past_is_422(official, written, post_json) -> None:
    past = make_slot(official, days=-1)
    r = post_json(URL, {"slot": past.pk, "appeal": written.pk})
    assert r.status_code == 422
    assert r.json()["code"] == "slot_in_past" and "slot" in r.json()["fields"]
    assert not Booking.objects.exists()


def test_a_withdrawn_slot_is_409(slot, written, post_json) -> None:
    slot.is_open = False
    slot.save()
    r = post_json(URL, {"slot": slot.pk, "appeal": written.pk})
    assert r.status_code == 409 and r.json()["code"] == "slot_unavailable"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({}, "appeal_or_applicant", "appeal"),
        ({"appeal": -1}, "unknown_appeal", "appeal"),
        ({"incoming_number": "2000-999999"}, "unknown_appeal", "incoming_number"),
        (
            {"applicant": CALLER, "text": "Вопрос о перерасчёте", "kind": "request"},
            "phone_only",
            "by_phone",
        ),
        (
            {"applicant": CALLER, "text": "Вопрос о перерасчёте", "by_phone": True},
            "missing_fields",
            "kind",
        ),
        (
            {
                "applicant": {**CALLER, "last_name": ""},
                "text": "Вопрос о перерасчёте",
                "kind": "request",
                "by_phone": True,
            },
            "missing_fields",
            "applicant.last_name",
        ),
        (
            {
                "applicant": {**CALLER, "phone": "call me"},
                "text": "Вопрос о перерасчёте",
                "kind": "request",
                "by_phone": True,
            },
            "validation_error",
            "applicant.phone",
        ),
    ],
)
def test_bad_input_gives_field_errors_and_stores_nothing(
    slot, demo, post_json, body, code, field
) -> None:
    appeals = Appeal.objects.count()
    r = post_json(URL, {"slot": slot.pk, **body})
    assert r.status_code == 422, r.content
    assert r.json()["code"] == code and field in r.json()["fields"]
    assert Appeal.objects.count() == appeals and not Booking.objects.exists()


def test_both_the_appeal_and_a_caller_are_refused(slot, written, post_json) -> None:
    r = post_json(URL, _phone_body(slot.pk, appeal=written.pk))
    assert r.status_code == 422 and r.json()["code"] == "appeal_or_applicant"


def test_an_unknown_slot_is_a_field_error(written, post_json) -> None:
    r = post_json(URL, {"slot": 999999, "appeal": written.pk})
    assert r.status_code == 422 and r.json()["code"] == "unknown_slot"


def test_one_pending_reception_per_appeal(official, written, post_json) -> None:
    a, b = make_slot(official, days=3), make_slot(official, days=4)
    assert post_json(URL, {"slot": a.pk, "appeal": written.pk}).status_code == 201
    r = post_json(URL, {"slot": b.pk, "appeal": written.pk})
    assert r.status_code == 409 and r.json()["code"] == "already_booked"


def test_a_closed_appeal_cannot_be_signed_up(slot, written, post_json) -> None:
    from django.contrib.auth import get_user_model

    from abonent.appeals.services import decide_admissibility

    decide_admissibility(
        appeal=written,
        decision="no_action",
        reasons=["unreadable"],
        actor=get_user_model().objects.get(username="chancellery"),
    )
    r = post_json(URL, {"slot": slot.pk, "appeal": written.pk})
    assert r.status_code == 409 and r.json()["code"] == "appeal_closed"


@pytest.mark.parametrize("user", ["operator", "executor", "head", "hall_admin"])
def test_roles_outside_the_reception_get_403(slot, written, post_json, get_json, user) -> None:
    r = post_json(URL, {"slot": slot.pk, "appeal": written.pk}, user=user)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert get_json("/api/v1/reception/slots", user=user).status_code == 403
    assert not Booking.objects.exists()


def test_without_a_token_401(slot, written, post_json, get_json) -> None:
    assert post_json(URL, {"slot": slot.pk, "appeal": written.pk}, user=None).status_code == 401
    assert get_json("/api/v1/reception/slots", user=None).status_code == 401


def test_the_contact_centre_sees_only_appeals_it_may_see(slot, written, post_json) -> None:
    """A written appeal registered by the Chancellery is not visible to a contact-centre
    operator (appeals.access): it is an unknown appeal to them."""
    r = post_json(URL, {"slot": slot.pk, "appeal": written.pk}, user="cc_operator")
    assert r.status_code == 422 and r.json()["code"] == "unknown_appeal"


def test_slots_list_free_and_taken_with_names_and_capped_queries(
    official, other_official, written, post_json, get_json, django_assert_max_num_queries
) -> None:
    slots = [
        make_slot(o, days=d, hour=h)
        for o in (official, other_official)
        for d in (2, 3)
        for h in (10, 11, 12)
    ]
    post_json(URL, {"slot": slots[0].pk, "appeal": written.pk})
    for i in range(1, 4):
        post_json(URL, {"slot": slots[i].pk, "appeal": new_appeal(last_name=f"Фамилия{i}").pk})
    get_json("/api/v1/reception/slots")  # warm the token and role caches
    with django_assert_max_num_queries(6):
        r = get_json("/api/v1/reception/slots")
    assert r.status_code == 200
    rows = r.json()
    assert len(rows) == 12
    taken = [row for row in rows if not row["free"]]
    assert len(taken) == 4
    first = next(row for row in rows if row["id"] == slots[0].pk)
    assert first["booking"]["applicant"] == "Иванов Иван"
    assert first["booking"]["appeal"]["incoming_number"] == written.incoming_number
    only = get_json(f"/api/v1/reception/slots?official={other_official.pk}").json()
    assert {row["official"]["id"] for row in only} == {other_official.pk}
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    ranged = get_json(f"/api/v1/reception/slots?from={day}&to={day}").json()
    assert len(ranged) == 6


def test_slots_refuse_a_period_too_long(official, get_json) -> None:
    r = get_json("/api/v1/reception/slots?from=2026-01-01&to=2026-12-31")
    assert r.status_code == 422 and r.json()["code"] == "invalid_period"


def test_cancel_needs_no_body(slot, written, post_json, client, bearer) -> None:
    b = post_json(URL, {"slot": slot.pk, "appeal": written.pk}).json()
    r = client.post(f"{URL}/{b['id']}/cancel", content_type="application/json", **bearer("clerk"))
    assert r.status_code == 200, r.content
    assert Booking.objects.get().cancelled_at is not None


def test_a_period_far_from_today_is_refused_not_crashed(demo, client, bearer) -> None:
    """Bad input: dates at the end of the calendar give 422 invalid_period, not a 500."""
    for query in ("from=9999-12-31", "from=9999-12-20&to=9999-12-31", "to=0001-01-02"):
        r = client.get(f"/api/v1/reception/slots?{query}", **bearer("chancellery"))
        assert (r.status_code, r.json()["code"]) == (422, "invalid_period"), query
