"""K-7: the staff pages of the reception — the board of slots (names only for the
reception roles), booking from an incoming number or a phone call, cancelling, recording
the outcome — and the include with the marks for the appeal page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation

from abonent.appeals.models import Appeal
from abonent.appeals.reception.models import Booking, ReceptionSlot
from abonent.appeals.reception.services import book_slot

from .conftest import login, make_slot, new_appeal

BOARD = "/staff/reception/"


@pytest.mark.parametrize("user", ["operator", "executor", "head", "cashier"])
def test_roles_outside_the_reception_get_the_403_page(slot, client: Client, user: str) -> None:
    login(client, user)
    assert client.get(BOARD).status_code == 403
    assert client.get(f"/staff/reception/slots/{slot.pk}/book/").status_code == 403


def test_anonymous_is_sent_to_log_in(demo, client: Client) -> None:
    r = client.get(BOARD)
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


@pytest.mark.parametrize("user", ["chancellery", "clerk", "manager", "cc_operator"])
def test_the_board_shows_free_and_taken_slots_with_names(
    official, other_official, written, client: Client, user: str, django_assert_max_num_queries
) -> None:
    chancellery = get_user_model().objects.get(username="chancellery")
    slots = [
        make_slot(o, days=d, hour=h)
        for o in (official, other_official)
        for d in (1, 2)
        for h in (10, 11)
    ]
    book_slot(slot_id=slots[0].pk, appeal=written, by_phone=False, actor=chancellery)
    for i in (1, 2):
        book_slot(
            slot_id=slots[i].pk,
            appeal=new_appeal(last_name=f"Фамилия{i}"),
            by_phone=True,
            actor=chancellery,
        )
    login(client, user)
    client.get(BOARD)
    with django_assert_max_num_queries(8):
        r = client.get(BOARD)
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count('data-state="taken"') == 3 and html.count('data-state="free"') == 5
    assert "Иванов Иван" in html and written.incoming_number in html
    assert "принято по телефону" in html and "С приема" in html
    only = client.get(BOARD, {"official": other_official.pk}).content.decode()
    assert only.count("data-state=") == 4 and only.count("<td>Сейтказиева Динара</td>") == 4


def test_the_board_refuses_a_bad_period(demo, client: Client) -> None:
    login(client, "chancellery")
    today = timezone.localdate()
    r = client.get(
        BOARD, {"start": today.isoformat(), "end": (today - timedelta(days=1)).isoformat()}
    )
    assert r.status_code == 422


def test_k7_booking_from_an_incoming_number_on_the_page(slot, written, client: Client) -> None:
    login(client, "chancellery")
    page = client.get(f"/staff/reception/slots/{slot.pk}/book/")
    assert page.status_code == 200
    r = client.post(
        f"/staff/reception/slots/{slot.pk}/book/",
        {"source": "written", "incoming_number": written.incoming_number},
    )
    booking = Booking.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/staff/reception/bookings/{booking.pk}/"
    assert (booking.appeal_id, booking.source, booking.mark_by_phone) == (
        written.pk,
        "written",
        False,
    )
    detail = client.get(r["Location"]).content.decode()
    local = timezone.localtime(slot.starts_at)
    assert "Сообщите потребителю:" in detail
    assert (
        f"Вы записаны на личный прием к Тулегенов Марат, Заместитель генерального директора, {local:%d.%m.%Y} в {local:%H:%M}"
        in detail
    )


def test_k7_booking_a_phone_call_on_the_page_registers_the_appeal(slot, client: Client) -> None:
    login(client, "cc_operator")
    r = client.post(
        f"/staff/reception/slots/{slot.pk}/book/",
        {
            "source": "phone",
            "applicant_type": "individual",
            "last_name": "Омарова",
            "first_name": "Айгуль",
            "phone": "+7 701 555 44 33",
            "kind": "complaint",
            "language": "ru",
            "text": "Прошу записать на прием по вопросу начислений за отопление.",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert (appeal.channel, appeal.last_name, appeal.phone) == (
        "personal_reception",
        "Омарова",
        "+77015554433",
    )
    booking = Booking.objects.get()
    assert (booking.source, booking.mark_by_phone, booking.booked_by.username) == (
        "phone",
        True,
        "cc_operator",
    )


def test_the_page_shows_a_phone_sign_up_without_a_phone_as_a_field_error(
    slot, client: Client
) -> None:
    login(client, "chancellery")
    r = client.post(
        f"/staff/reception/slots/{slot.pk}/book/",
        {
            "source": "phone",
            "applicant_type": "individual",
            "last_name": "Омарова",
            "first_name": "Айгуль",
            "kind": "complaint",
            "text": "Прошу записать на прием.",
        },
    )
    assert r.status_code == 422
    assert not Appeal.objects.exists() and not Booking.objects.exists()


def test_a_taken_slot_on_the_page_is_409_with_the_reason(
    slot, written, client: Client, demo
) -> None:
    login(client, "chancellery")
    client.post(
        f"/staff/reception/slots/{slot.pk}/book/",
        {"source": "written", "incoming_number": written.incoming_number},
    )
    other = new_appeal(last_name="Петров")
    r = client.post(
        f"/staff/reception/slots/{slot.pk}/book/",
        {"source": "written", "incoming_number": other.incoming_number},
    )
    assert r.status_code == 409
    assert "Это время приема уже занято." in r.content.decode()
    assert Booking.objects.count() == 1


def test_an_unknown_incoming_number_on_the_page_is_a_form_error(slot, demo, client: Client) -> None:
    login(client, "chancellery")
    r = client.post(
        f"/staff/reception/slots/{slot.pk}/book/",
        {"source": "written", "incoming_number": "2000-000001"},
    )
    assert r.status_code == 422 and "Обращения с таким номером нет." in r.content.decode()


def test_cancel_and_record_the_outcome_on_the_page(slot, written, client: Client) -> None:
    chancellery = get_user_model().objects.get(username="chancellery")
    booking = book_slot(slot_id=slot.pk, appeal=written, by_phone=False, actor=chancellery)
    login(client, "chancellery")
    r = client.post(f"/staff/reception/bookings/{booking.pk}/cancel/", {"reason": "перенос"})
    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.cancelled_at is not None and booking.cancel_reason == "перенос"

    again = book_slot(slot_id=slot.pk, appeal=written, by_phone=False, actor=chancellery)
    start = timezone.now() - timedelta(minutes=10)
    ReceptionSlot.objects.filter(pk=slot.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=30)
    )
    page = client.get(f"/staff/reception/bookings/{again.pk}/").content.decode()
    assert 'id="action-outcome"' in page
    r = client.post(
        f"/staff/reception/bookings/{again.pk}/outcome/",
        {
            "attendance": "attended",
            "text": "Разъяснен порядок перерасчёта начислений.",
            "close_as": "explained",
        },
    )
    assert r.status_code == 302
    again.refresh_from_db()
    assert again.attendance == "attended"
    assert Appeal.objects.get(pk=written.pk).status == "answered"


def test_the_contact_centre_cannot_record_an_outcome_on_the_page(
    slot, written, client: Client
) -> None:
    chancellery = get_user_model().objects.get(username="chancellery")
    booking = book_slot(slot_id=slot.pk, appeal=written, by_phone=False, actor=chancellery)
    ReceptionSlot.objects.filter(pk=slot.pk).update(
        starts_at=timezone.now() - timedelta(minutes=10),
        ends_at=timezone.now() + timedelta(minutes=20),
    )
    login(client, "cc_operator")
    assert (
        'id="action-outcome"'
        not in client.get(f"/staff/reception/bookings/{booking.pk}/").content.decode()
    )
    r = client.post(f"/staff/reception/bookings/{booking.pk}/outcome/", {"attendance": "no_show"})
    assert r.status_code == 403
    booking.refresh_from_db()
    assert booking.attendance == ""


def test_k7_the_appeal_page_include_shows_the_marks_and_the_slot(official, demo) -> None:
    chancellery = get_user_model().objects.get(username="chancellery")
    written = new_appeal()
    phoned = new_appeal(last_name="Петров")
    slot_a, slot_b = make_slot(official, days=2), make_slot(official, days=3)
    book_slot(slot_id=slot_a.pk, appeal=written, by_phone=False, actor=chancellery)
    book_slot(slot_id=slot_b.pk, appeal=phoned, by_phone=True, actor=chancellery)
    with translation.override("ru"):
        a = render_to_string(
            "reception/_appeal_marks.html", {"appeal": written, "user": chancellery}
        )
        b = render_to_string(
            "reception/_appeal_marks.html", {"appeal": phoned, "user": chancellery}
        )
        none = render_to_string(
            "reception/_appeal_marks.html", {"appeal": new_appeal(last_name="Сидоров")}
        )
    assert 'data-mark="from_reception"' in a and 'data-mark="by_phone"' not in a
    assert "С приема" in a and f"{timezone.localtime(slot_a.starts_at):%d.%m.%Y %H:%M}" in a
    assert "каб. 201" in a and "/staff/reception/bookings/" in a
    assert 'data-mark="by_phone"' in b and "принято по телефону" in b
    assert none.strip() == ""
    with translation.override("kk"):
        kk = render_to_string("reception/_appeal_marks.html", {"appeal": phoned})
    assert "Қабылдаудан" in kk and "телефон арқылы қабылданды" in kk
    assert "/staff/reception/bookings/" not in kk  # no user: no link
