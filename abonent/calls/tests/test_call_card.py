"""The operator's call card (issue #6, point 4): GET /api/v1/calls/{call_id} — the call, its
events, the caller's open appeals found by phone, the appeals linked to the call."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from abonent.appeals.models import Appeal
from abonent.appeals.services import AppealInput, register_appeal
from abonent.calls.models import Call
from abonent.calls.services import link_call_to_appeal
from abonent.calls.tests.conftest import TUESDAY_10
from abonent.calls.tests.fake_oktell import FakeOktell

Bearer = Callable[[str], dict[str, str]]


def appeal(phone: str) -> Appeal:
    return register_appeal(
        data=AppealInput(channel="phone", kind="complaint", applicant_type="individual",
                         last_name="Петров", first_name="Пётр", phone=phone,
                         text="Жалоба на начисление за февраль."),
        actor=None,
    )  # fmt: skip


def test_the_card_shows_the_callers_open_appeals_and_the_linked_ones(
    client: Client, pbx: FakeOktell, bearer: Bearer, django_assert_max_num_queries: object
) -> None:
    chain = pbx.answered_call(phone="87011234567", operator="201", start=TUESDAY_10)
    mine_open, mine_answered, someone_else = (
        appeal("+77011234567"), appeal("+77011234567"), appeal("+77770001122")
    )  # fmt: skip
    Appeal.objects.filter(pk=mine_answered.pk).update(status="answered")
    call = Call.objects.get()
    link_call_to_appeal(call=call, appeal=mine_answered, actor=None)
    headers = bearer("cc_operator")
    client.get("/api/v1/calls?limit=1", **headers)  # the token's once-a-minute touch
    # token, roles, call, events, open appeals, recent calls, linked appeals, outcome.
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        r = client.get(f"/api/v1/calls/{chain.chain_id}", **headers)
    assert r.status_code == 200
    card = r.json()
    assert card["call"]["call_id"] == chain.chain_id.lower()
    assert card["call"]["operator_username"] == "cc_operator"
    assert [e["event"] for e in card["events"]] == ["call.started", "call.answered", "call.ended"]
    assert card["events"][0]["at"] == "2026-03-17T10:00:00+05:00"
    assert [a["incoming_number"] for a in card["open_appeals"]] == [mine_open.incoming_number]
    assert [a["incoming_number"] for a in card["linked_appeals"]] == [mine_answered.incoming_number]
    assert someone_else.incoming_number not in r.content.decode()


def test_an_unknown_call_is_404(client: Client, pbx: FakeOktell, bearer: Bearer) -> None:
    r = client.get("/api/v1/calls/nope", **bearer("cc_operator"))
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"


def test_a_hidden_number_finds_no_appeals(client: Client, pbx: FakeOktell, bearer: Bearer) -> None:
    appeal("")
    pbx.post("call.started", "H-1", TUESDAY_10, phone="anonymous")
    r = client.get("/api/v1/calls/H-1", **bearer("head"))
    assert r.status_code == 200
    assert r.json()["call"]["phone"] == ""
    assert r.json()["open_appeals"] == []
