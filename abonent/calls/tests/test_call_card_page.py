"""The operator's call card page /staff/calls/<call id>/ (issue #6, point 4): who is
calling — their open appeals found by the exact normalised number, their recent calls —
shown only to roles that work with consumers; queue visits are said not to be linked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from abonent.appeals.models import Appeal
from abonent.appeals.services import AppealInput, register_appeal
from abonent.calls.tests.conftest import TUESDAY_10
from abonent.calls.tests.fake_oktell import FakeOktell

Bearer = Callable[[str], dict[str, str]]


def appeal(phone: str, last_name: str) -> Appeal:
    return register_appeal(
        data=AppealInput(channel="phone", kind="complaint", applicant_type="individual",
                         last_name=last_name, first_name="Пётр", phone=phone,
                         text="Жалоба на начисление за февраль."),
        actor=None,
    )  # fmt: skip


@pytest.fixture
def caller(pbx: FakeOktell, clock: Any) -> str:
    """Three calls from +77011234567 (the last is the card's), one from another number; two
    appeals of this caller (one answered), one of someone else."""
    pbx.answered_call(phone="87011234567", operator="201", start=TUESDAY_10 - timedelta(days=2),
                      chain_id="OLD-1")  # fmt: skip
    pbx.missed_call(phone="+7 701 123 45 67", start=TUESDAY_10 - timedelta(days=1))
    pbx.answered_call(phone="87770001122", operator="201", start=TUESDAY_10, chain_id="X-1")
    pbx.answered_call(phone="87011234567", operator="201", start=TUESDAY_10, chain_id="C-1")
    appeal("+77011234567", "Петров")
    done = appeal("+77011234567", "Ответов")
    Appeal.objects.filter(pk=done.pk).update(status="answered")
    appeal("+77770001122", "Чужой")
    return "C-1"


def login(client: Client, username: str) -> None:
    client.force_login(get_user_model().objects.get(username=username))


def test_the_operator_sees_who_is_calling(
    client: Client, caller: str, django_assert_max_num_queries: Any
) -> None:
    login(client, "cc_operator")
    client.get(f"/staff/calls/{caller}/")
    # session, user, roles, call, events, appeals, recent calls, linked, outcome, the
    # outcome form's units, the staff menu's profile.
    with django_assert_max_num_queries(11):
        r = client.get(f"/staff/calls/{caller}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert [a.last_name for a in r.context["open_appeals"]] == ["Петров"]
    assert "Петров Пётр" in body and "Ответов" not in body and "Чужой" not in body
    assert [c.call_id for c in r.context["recent_calls"]][1:] == ["OLD-1"]
    assert len(r.context["recent_calls"]) == 2  # the missed call and OLD-1, not X-1
    with translation.override("ru"):
        assert (
            gettext(
                "Visits to the offices are not shown: electronic-queue tickets carry no "
                "phone number."
            )
            in body
        )
    assert "+77011234567" in body
    assert 'name="outcome"' in body  # the form: no outcome yet


def test_a_system_administrator_sees_no_personal_data(
    client: Client, caller: str, sysadmin: Any
) -> None:
    client.force_login(sysadmin)
    r = client.get(f"/staff/calls/{caller}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "+77011234567" not in body and "+7********67" in body
    assert "Петров" not in body
    assert r.context["open_appeals"] == [] and r.context["recent_calls"] == []
    assert 'name="outcome"' not in body


def test_the_api_card_masks_personal_data_for_a_system_administrator(
    client: Client, caller: str, bearer: Bearer, sysadmin: Any
) -> None:
    r = client.get(f"/api/v1/calls/{caller}", **bearer("admin_sys"))
    assert r.status_code == 200
    card = r.json()
    assert (card["personal_data"], card["call"]["phone"]) == (False, "+7********67")
    assert (card["open_appeals"], card["recent_calls"]) == ([], [])
    log = client.get("/api/v1/calls?limit=1", **bearer("admin_sys")).json()
    assert log["items"][0]["phone"] == "+7********67"


def test_the_api_card_for_the_operator(client: Client, caller: str, bearer: Bearer) -> None:
    card = client.get(f"/api/v1/calls/{caller}", **bearer("chancellery")).json()
    assert card["personal_data"] is True
    assert [(a["applicant"], a["status"]) for a in card["open_appeals"]] == [
        ("Петров Пётр", "registered")
    ]
    assert [c["call_id"] for c in card["recent_calls"]][1:] == ["OLD-1"]
    assert card["recent_calls"][0]["status"] == "missed"
    assert (card["queue_visits"], card["outcome"]) == (None, None)


@pytest.mark.parametrize(("username", "status"), [("cashier", 403), ("executor", 403)])
def test_other_roles_may_not_open_the_card(
    client: Client, caller: str, username: str, status: int
) -> None:
    login(client, username)
    assert client.get(f"/staff/calls/{caller}/").status_code == status


def test_an_unknown_call_is_404(client: Client, caller: str) -> None:
    login(client, "cc_operator")
    assert client.get("/staff/calls/NOPE/").status_code == 404


def test_the_card_needs_a_login(client: Client, caller: str) -> None:
    r = client.get(f"/staff/calls/{caller}/")
    assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_a_refused_callback_on_the_page_shows_the_next_time(client: Client, caller: str) -> None:
    login(client, "cc_operator")
    r = client.post(f"/staff/calls/{caller}/outcome/", {
        "outcome": "callback", "topic": "charges", "callback_at": "2026-03-17T19:00",
    })  # fmt: skip
    assert r.status_code == 422
    body = r.content.decode()
    assert (
        '<time datetime="2026-03-18T09:00:00+05:00" id="next-possible">18.03.2026 09:00</time>'
        in body
    )
    r = client.post(f"/staff/calls/{caller}/outcome/", {
        "outcome": "answered", "topic": "charges", "answer": "Ответила про долг.",
    })  # fmt: skip
    assert r.status_code == 302 and r["Location"] == f"/staff/calls/{caller}/#outcome"
    assert "Ответила про долг." in client.get(r["Location"]).content.decode()
