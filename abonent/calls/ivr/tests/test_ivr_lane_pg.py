"""The IVR lane (calls/ivr/lane.py, #6 speed, CC-3): on PostgreSQL the ASGI entry point
takes an IVR step in the event loop — with the same answer, headers and stored rows as the
API operation — and leaves every step it cannot take that way to the operation, having sent
and kept nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from abonent.calls.ivr import lane
from abonent.calls.ivr.models import IvrSession, IvrStep
from abonent.calls.ivr.tests.conftest import ASTANA, DEBTOR, SINGLE, Clock
from abonent.calls.ivr.tests.fake_pbx import URL, FakePbx, Turn
from abonent.core.models import ApiToken, hash_token
from abonent.core.tests.lanes import (
    LANE_TESTS,
    lane_offer,
    lane_scope,
    run_through_application,
    through_application,
)

pytestmark = LANE_TESTS


def scope(token: str, content_type: bytes = b"application/json", **extra: bytes) -> dict[str, Any]:
    return lane_scope(URL, token, content_type, **extra)


def offer(request: dict[str, Any], body: bytes) -> tuple[bool, list[dict[str, Any]]]:
    return lane_offer(lane.post_step, request, body)


@dataclass
class LanePbx(FakePbx):
    """The fake PBX, its requests offered to the lane first and to the operation (through
    Django's test client) when the lane leaves them."""

    by_lane: list[bool] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def post(self, keys: str = "", *, seq: int | None = None, **extra: Any) -> Turn:
        data: dict[str, Any] = {"session": self.session, "caller": self.caller, "input": keys}
        data |= extra
        if seq is not None:
            data["seq"] = seq
        if self.form:
            body = urlencode(
                {k: str(v).lower() if isinstance(v, bool) else v for k, v in data.items()}
            ).encode()
            request = scope(self.token, b"application/x-www-form-urlencoded")
        else:
            body, request = json.dumps(data).encode(), scope(self.token)
        answered, sent = offer(request, body)
        self.by_lane.append(answered)
        if answered:
            start, content = sent
            self.headers.append({k.decode(): v.decode() for k, v in start["headers"]})
            turn = Turn(start["status"], json.loads(content["body"]))
            self.heard.append(turn)
            return turn
        return super().post(keys, seq=seq, **extra)


@pytest.fixture
def warm(client: Client, pbx_token: str, clock: Clock) -> None:
    """The process's snapshots (the menu, the contact centre's hours) loaded, as on a
    server that has been answering: the lane leaves a step that would load them to the
    operation."""
    warming = FakePbx(client, pbx_token, session="WARM")
    warming.dial()
    warming.press("1")
    IvrSession.objects.filter(session_id="WARM").delete()


@pytest.fixture
def lane_pbx(client: Client, pbx_token: str, warm: None) -> LanePbx:
    return LanePbx(client, pbx_token, session="LANE-1")


def whole_call(pbx: FakePbx) -> None:
    """The Russian caller's whole call: menus, reference information, a reading, the
    balance, a wrong key, the operator."""
    pbx.dial()
    pbx.press("1")
    pbx.press("1")
    pbx.step("1")
    pbx.step("")
    pbx.press("*")
    pbx.press("2")
    pbx.press(f"{SINGLE}#")
    pbx.press("103*5")
    pbx.step("1")
    pbx.step("")
    pbx.press("3")
    pbx.step(DEBTOR)
    pbx.step("")
    pbx.press("7")
    pbx.press("0")


def stored(session_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    session = IvrSession.objects.values().get(session_id=session_id)
    steps = list(IvrStep.objects.filter(session_id=session.pop("id")).order_by("seq").values())
    for step in steps:
        step.pop("id"), step.pop("session_id")
        step["response"]["session"] = "*"
    session["session_id"] = "*"
    return session, steps


def same(turns: list[Turn]) -> list[tuple[int, dict[str, Any]]]:
    return [(t.status, {**t.body, "session": "*"}) for t in turns]


def test_a_whole_call_through_the_lane_is_the_operations_call(
    pbx: FakePbx, lane_pbx: LanePbx, accounts: object, client: Client, pbx_token: str
) -> None:
    whole_call(pbx)
    whole_call(lane_pbx)
    assert same(lane_pbx.heard) == same(pbx.heard)
    assert [t.status for t in pbx.heard].count(422) == 1  # the wrong key
    assert stored("LANE-1") == stored("IVR-1")
    # The menus are the lane's; the steps that look accounts up and store the reading are
    # the operation's, and so is nothing else.
    left = [n for n, by_lane in enumerate(lane_pbx.by_lane, start=1) if not by_lane]
    assert left == [8, 9, 10, 13]
    # The same headers as the operation's answer.
    direct = client.post(
        URL,
        {"session": "H-1", "input": ""},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pbx_token}",
    )
    for name in ("Content-Type", "Content-Language", "Vary", "X-Content-Type-Options"):
        assert lane_pbx.headers[0][name.lower()] == direct.headers[name], name


def outside_hours(pbx: FakePbx) -> None:
    """In Kazakh after hours: the closed notice, two refused keys, the operator (closed:
    self-service again), three refused keys (goodbye)."""
    pbx.dial()
    pbx.press("2")
    pbx.press("")
    pbx.press("8")
    pbx.press("0")
    pbx.press("")
    pbx.press("8")
    pbx.press("9")


def hang_up_early(pbx: FakePbx) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.hang_up()


def test_refusals_outside_hours_and_a_hang_up_through_the_lane_are_the_operations(
    client: Client, pbx_token: str, clock: Clock, warm: None
) -> None:
    clock.set(datetime(2026, 3, 17, 20, 30, tzinfo=ASTANA))
    for n, call in enumerate((outside_hours, hang_up_early)):
        pbx = FakePbx(client, pbx_token, session=f"OP-{n}")
        call(pbx)
        through_lane = LanePbx(client, pbx_token, session=f"LANE-{n}", form=True)
        call(through_lane)
        assert same(through_lane.heard) == same(pbx.heard)
        assert all(through_lane.by_lane)
        assert stored(f"LANE-{n}") == stored(f"OP-{n}")
        assert pbx.heard[-1].action == "hangup"
        assert [t.status for t in pbx.heard].count(422) == (5 if n == 0 else 0)


@pytest.fixture
def refusals(
    pbx_token: str, token_for: Callable[[str], str]
) -> dict[str, tuple[dict[str, Any], bytes]]:
    good = json.dumps({"session": "R-1", "input": "", "seq": 1}).encode()
    staff = token_for("cc_operator")
    admin = get_user_model().objects.create_superuser("root-ivr-lane", password="x")
    admin.groups.add(*get_user_model().objects.get(username="oktell").groups.all())
    revoked = token_for("oktell")
    ApiToken.objects.filter(key_hash=hash_token(revoked)).update(revoked_at=timezone.now())

    def step(**fields: Any) -> bytes:
        return json.dumps({"session": "R-1", "input": "", **fields}).encode()

    return {
        "no such token": (scope("nonsense"), good),
        "a staff token": (scope(staff), good),
        "a superuser's token": (scope(token_for("root-ivr-lane")), good),
        "a revoked token": (scope(revoked), good),
        "a later step of no session": (scope(pbx_token), step(seq=2, input="1")),
        "a hang-up of no session": (scope(pbx_token), step(hangup=True)),
        "a session id with a space": (scope(pbx_token), step(session="R 1")),
        "a negative seq": (scope(pbx_token), step(seq=-1)),
        "too many keys": (scope(pbx_token), step(input="1" * 65)),
        "not JSON": (scope(pbx_token), b"{nope"),
        "a JSON list": (scope(pbx_token), b"[]"),
        "a NUL escape": (scope(pbx_token), good.replace(b"R-1", b"R\\u0000")),
        "too large": (scope(pbx_token), step(caller="1" * 5000)),
        "multipart": (scope(pbx_token, b"multipart/form-data; boundary=x"), b"--x--"),
        "a cookie": (scope(pbx_token, cookie=b"sessionid=abc"), good),
        "a query string": ({**scope(pbx_token), "query_string": b"a=1"}, good),
        "bearer in lower case": (
            {
                **scope(pbx_token),
                "headers": [(b"authorization", f"bearer {pbx_token}".encode())]
                + [h for h in scope(pbx_token)["headers"] if h[0] != b"authorization"],
            },
            good,
        ),
    }


def test_every_refusal_is_left_to_the_operation_with_nothing_sent_or_stored(
    refusals: dict[str, tuple[dict[str, Any], bytes]], clock: Clock
) -> None:
    for case, (request, body) in refusals.items():
        assert offer(request, body) == (False, []), case
    assert not IvrSession.objects.exists()
    assert not IvrStep.objects.exists()


def test_retries_gaps_and_ended_sessions_are_left_to_the_operation(
    lane_pbx: LanePbx, pbx_token: str
) -> None:
    lane_pbx.dial()
    lane_pbx.press("1")
    assert lane_pbx.by_lane == [True, True]

    def again(**fields: Any) -> bool:
        body = {"session": "LANE-1", "caller": lane_pbx.caller, "input": "1", **fields}
        return offer(scope(pbx_token), json.dumps(body).encode())[0]

    assert not again(seq=2)  # a retry: the operation answers it from the log
    assert not again(seq=1)
    assert not again(seq=4)  # a gap
    lane_pbx.press("0")  # the operator: the session ends
    assert lane_pbx.heard[-1].action == "transfer"
    assert not again(seq=lane_pbx.seq + 1)
    assert not again(seq=lane_pbx.seq + 1, hangup=True)
    session = IvrSession.objects.get(session_id="LANE-1")
    assert session.last_seq == lane_pbx.seq == IvrStep.objects.count() == 3


def test_a_first_step_the_lane_cannot_finish_keeps_no_session(
    pbx_token: str, warm: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from abonent.calls.ivr import services

    def broken() -> Any:
        raise RuntimeError("no tree")

    monkeypatch.setattr(services, "get_tree", broken)
    body = {"session": "NEW-1", "caller": "87011234567", "input": "", "seq": 1}
    assert offer(scope(pbx_token), json.dumps(body).encode()) == (False, [])
    assert not IvrSession.objects.filter(session_id="NEW-1").exists()


def test_a_step_the_lane_cannot_finish_keeps_nothing(
    lane_pbx: LanePbx, pbx_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error in the dialogue (here: a snapshot that would load from the database in the
    event loop) rolls the lane's transaction back and the operation takes the step."""
    lane_pbx.dial()
    before = IvrSession.objects.values().get(session_id="LANE-1")

    def from_the_database() -> Any:
        return list(IvrSession.objects.all())  # the ORM refuses to run in the event loop

    monkeypatch.setattr(lane, "get_tree", from_the_database)
    body = {"session": "LANE-1", "caller": lane_pbx.caller, "input": "1", "seq": 2}
    assert offer(scope(pbx_token), json.dumps(body).encode()) == (False, [])
    assert IvrSession.objects.values().get(session_id="LANE-1") == before
    assert IvrStep.objects.count() == 1


def test_the_asgi_application_serves_a_step_from_the_lane_or_the_operation(
    pbx_token: str, clock: Clock, accounts: object, warm: None
) -> None:
    async def post(fields: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = json.dumps({"session": "ASGI-1", **fields}).encode()
        status, content = await through_application(scope(pbx_token), body)
        return status, json.loads(content)

    async def requests() -> list[tuple[int, dict[str, Any]]]:
        steps = [("", 1), ("1", 2), ("2", 3), (f"{SINGLE}#", 4), ("1", 2), ("", 9)]
        return [await post({"input": keys, "seq": seq}) for keys, seq in steps]

    answers = run_through_application(requests)
    codes = [(status, body.get("code") or body["prompt_code"]) for status, body in answers]
    assert codes == [
        (200, "root"),
        (200, "main"),
        (200, "reading"),  # the lane enters the flow
        (200, "reading_value"),  # the operation looks the account up
        (200, "main"),  # a retry of step 2: the operation answers from the log
        (409, "seq_gap"),
    ]
    assert IvrStep.objects.count() == 4


def test_a_step_taken_elsewhere_meanwhile_wins_and_the_lane_keeps_nothing(
    lane_pbx: LanePbx, pbx_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two deliveries of one step: while the lane computes its answer, the operation takes
    the same step (another server process, say). The lane's write finds ``last_seq`` moved
    on, stores nothing and leaves the step to the operation, which answers it as a retry."""
    import threading

    lane_pbx.dial()
    taken = lane._taken
    step = {"session": "LANE-1", "caller": lane_pbx.caller, "input": "1", "seq": 2}

    def meanwhile(*args: Any) -> Any:
        def deliver() -> None:
            from django.db import connections

            try:
                resp = Client().post(
                    URL,
                    step,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {pbx_token}",
                )
                assert resp.status_code == 200
            finally:
                connections.close_all()

        other = threading.Thread(target=deliver)
        other.start()
        other.join()
        return taken(*args)

    monkeypatch.setattr(lane, "_taken", meanwhile)
    assert offer(scope(pbx_token), json.dumps(step).encode()) == (False, [])
    session = IvrSession.objects.get(session_id="LANE-1")
    assert session.last_seq == 2
    assert list(IvrStep.objects.filter(session=session).values_list("seq", flat=True)) == [1, 2]
    monkeypatch.setattr(lane, "_taken", taken)
    retry = Client().post(
        URL, step, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {pbx_token}"
    )
    assert retry.status_code == 200 and retry.json()["prompt_code"] == "main"


def test_the_lane_renders_every_answer_as_the_schema_does(
    pbx: FakePbx, accounts: object, clock: Clock
) -> None:
    from ninja.responses import NinjaJSONEncoder

    from abonent.calls.ivr.api import StepOut

    whole_call(pbx)
    clock.at = datetime(2026, 3, 17, 20, 30, tzinfo=ASTANA)
    outside_hours(FakePbx(pbx.client, pbx.token, session="NIGHT"))
    bodies = list(IvrStep.objects.values_list("response", flat=True))
    assert len(bodies) > 20 and any("code" in b for b in bodies)
    for body in bodies:
        by_schema = json.dumps(StepOut.model_validate(body).model_dump(), cls=NinjaJSONEncoder)
        assert lane._rendered(body) == by_schema.encode()
