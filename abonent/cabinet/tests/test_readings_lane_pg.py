"""The readings lane (cabinet/lane.py, #7 speed, PC-1): on PostgreSQL a reading sent with a
staff or integration token is taken in the event loop — with the same answer, stored reading
and audit row as the API operation — and every reading it cannot take that way is left to
the operation, with nothing sent or kept."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from django.test import Client

from abonent.cabinet import lane
from abonent.cabinet.models import Meter, Reading
from abonent.core.models import AuditEntry
from abonent.core.roles import Role
from abonent.core.services import issue_api_token
from abonent.core.tests.lanes import (
    LANE_TESTS,
    lane_offer,
    lane_scope,
    run_through_application,
    through_application,
)

from .conftest import Clock, add_history, make_account, make_user

pytestmark = LANE_TESTS
URL = "/api/v1/readings"


def scope(token: str, content_type: bytes = b"application/json", **extra: bytes) -> dict[str, Any]:
    return lane_scope(URL, token, content_type, **extra)


def offer(request: dict[str, Any], body: bytes) -> tuple[bool, list[dict[str, Any]]]:
    return lane_offer(lane.post_reading, request, body)


@pytest.fixture
def token(db: None) -> str:
    return issue_api_token(user=make_user("cc1", Role.CC_OPERATOR))


def submit(
    client: Client, token: str, body: dict[str, Any], *, by_lane: bool
) -> tuple[bool, int, dict[str, Any]]:
    """(answered by the lane, status, answer); the operation answers what the lane leaves."""
    if by_lane:
        answered, sent = offer(scope(token), json.dumps(body).encode())
        if answered:
            start, content = sent
            return True, start["status"], json.loads(content["body"])
    response = client.post(
        URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    return False, response.status_code, response.json()


def stored(meter: Meter) -> list[dict[str, Any]]:
    rows = []
    for reading in Reading.objects.filter(meter=meter).order_by("period"):
        entries = AuditEntry.objects.for_object(reading).order_by("id")
        rows.append(
            {
                **{
                    k: v
                    for k, v in reading.__dict__.items()
                    if k not in ("_state", "id", "meter_id")
                },
                "audit": [
                    (
                        e.action,
                        e.actor_id,
                        e.actor_label,
                        e.before,
                        {**(e.after or {}), "meter": 0},
                        e.note,
                    )
                    for e in entries
                ],
            }
        )
    return rows


def test_readings_through_the_lane_are_the_operations(
    client: Client, token: str, clock: Clock
) -> None:
    through_operation, through_lane = make_account("100200300"), make_account("100200301")
    for meter in (through_operation, through_lane):
        add_history(meter, [100, 110, 120, 130])
    values: list[dict[str, Any]] = [
        {"value": "00135"},  # accepted
        {"value": "137"},  # replaces the period's reading
        {"value": "120"},  # decreasing: refused
        {"value": "200"},  # needs confirmation
        {"value": "200", "confirm": True},  # flagged for review, replacing
        {"value": 140},
    ]
    answers: dict[bool, list[tuple[bool, int, dict[str, Any]]]] = {True: [], False: []}
    for extra in values:
        for by_lane, meter in ((False, through_operation), (True, through_lane)):
            body = {"account": meter.account.number, "meter": "HW-1", "source": "contact_center"}
            answers[by_lane].append(submit(client, token, {**body, **extra}, by_lane=by_lane))
            clock.tick(minutes=1)
    lane_answers = [(s, {**a, "id": 0, "account": ""}) for _l, s, a in answers[True]]
    operation_answers = [(s, {**a, "id": 0, "account": ""}) for _l, s, a in answers[False]]
    # Each lane reading a minute after its operation twin.
    for (_s, a), (_t, b) in zip(lane_answers, operation_answers, strict=True):
        a.pop("submitted_at", None), b.pop("submitted_at", None)
    assert lane_answers == operation_answers
    assert [s for s, _a in operation_answers] == [201, 201, 422, 422, 201, 201]
    assert [by for by, _s, _a in answers[True]] == [True, True, False, False, True, True]
    lane_rows, operation_rows = stored(through_lane), stored(through_operation)
    for row in (*lane_rows, *operation_rows):
        row.pop("submitted_at")
        for entry in row["audit"]:
            for snapshot in (entry[3], entry[4]):
                if snapshot:
                    snapshot.pop("submitted_at", None)
    assert lane_rows == operation_rows
    assert lane_rows[-1]["audit"][0][:3] == (
        "reading.submitted",
        lane_rows[-1]["submitted_by_id"],
        "cc1",
    )


def test_what_the_lane_leaves_to_the_operation_keeps_nothing(
    client: Client, token: str, clock: Clock
) -> None:
    meter = make_account("100200300")
    add_history(meter, [100, 110, 120, 130])
    body = {"account": "100200300", "meter": "HW-1", "value": "135", "source": "contact_center"}
    integration = issue_api_token(user=make_user("pbx", Role.INTEGRATION))
    nobody = issue_api_token(user=make_user("clerk", Role.CHANCELLERY))
    cases = {
        "a source the role may not use": (scope(token), {**body, "source": "billing"}),
        "an integration's contact_center": (scope(integration), body),
        "a role without readings": (scope(nobody), body),
        "no such token": (scope("nonsense"), body),
        "an unknown meter": (scope(token), {**body, "meter": "HW-9"}),
        "a refused value": (scope(token), {**body, "value": "99"}),
        "a form": (scope(token, b"application/x-www-form-urlencoded"), body),
        "a cookie": (scope(token, cookie=b"sessionid=x"), body),
        "an invalid source": (scope(token), {**body, "source": "fax"}),
    }
    for case, (request, fields) in cases.items():
        assert offer(request, json.dumps(fields).encode()) == (False, []), case
    assert Reading.objects.filter(meter=meter).count() == 4
    assert not AuditEntry.objects.filter(action__startswith="reading.").exists()


def test_simultaneous_readings_of_one_meter_keep_one_reading_and_audit_all(
    token: str, clock: Clock
) -> None:
    """PC-1 under load through the server's entry point: eight readings of one meter at
    once, taken by the lane or — when another came first — by the operation; one reading
    for the period, every submission audited, none lost."""
    meter = make_account("100200300")
    add_history(meter, [100, 110, 120, 130])

    async def post(value: int) -> int:
        fields = {"account": "100200300", "meter": "HW-1", "source": "contact_center"}
        body = json.dumps({**fields, "value": str(value)}).encode()
        return (await through_application(scope(token), body))[0]

    async def requests() -> list[int]:
        return list(await asyncio.gather(*(post(131 + i) for i in range(8))))

    statuses = run_through_application(requests)
    assert statuses == [201] * 8
    march = Reading.objects.filter(meter=meter, period="2026-03-01")
    assert march.count() == 1
    actions = sorted(
        AuditEntry.objects.filter(object_type="cabinet.reading").values_list("action", flat=True)
    )
    assert actions == ["reading.replaced"] * 7 + ["reading.submitted"]
    last = AuditEntry.objects.filter(object_type="cabinet.reading").order_by("-at", "-id").first()
    assert last is not None and str(march.get().value.normalize()) == last.after["value"]


def test_a_write_that_may_have_committed_is_not_taken_again(
    token: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection is lost after the lane sent its write (here: PostgreSQL ends the
    session): whether the reading was stored is unknown, so the operation must not take it
    again — the lane raises, and the server answers 500."""
    import psycopg

    meter = make_account("100200300")
    add_history(meter, [100, 110, 120, 130])
    body = {"account": "100200300", "meter": "HW-1", "value": "135", "source": "contact_center"}
    monkeypatch.setattr(
        lane._Taken, "write", lambda self: ("SELECT pg_terminate_backend(pg_backend_pid())", [])
    )
    with pytest.raises(psycopg.OperationalError):
        offer(scope(token), json.dumps(body).encode())
