"""The fake Oktell's realistic sequences, replayed over HTTP, give the call log they should
(CC-4): a normal call, a missed one, duplicate delivery, shuffled delivery, a recording
announced later."""

from __future__ import annotations

from datetime import timedelta

from abonent.calls.models import Call, CallEvent
from abonent.calls.tests.conftest import TUESDAY_10
from abonent.calls.tests.fake_oktell import FakeOktell


def row(chain_id: str) -> tuple[object, ...]:
    c = Call.objects.get(call_id=chain_id.lower())
    login = c.operator.get_username() if c.operator else None
    return (c.status, c.phone, c.operator_login, login, c.duration, c.has_recording)


def test_every_scenario(pbx: FakeOktell) -> None:
    normal = pbx.answered_call(phone="87011234567", operator="201", start=TUESDAY_10)
    missed = pbx.missed_call(phone="87770001122", start=TUESDAY_10 + timedelta(minutes=1))
    mark = len(pbx.responses)
    twice = pbx.duplicate_delivery(phone="+77013334455", operator="cc_operator",
                                   start=TUESDAY_10 + timedelta(minutes=2))  # fmt: skip
    codes = [r.status_code for r in pbx.responses[mark:]]
    shuffled = pbx.out_of_order(phone="7015556677", operator="999",
                                start=TUESDAY_10 + timedelta(minutes=3))  # fmt: skip
    late = pbx.recording_later(normal, record_path="2026/03/17/n.wav",
                               ready=TUESDAY_10 + timedelta(minutes=9))  # fmt: skip

    assert codes == [201, 201, 201, 200, 200, 200]
    assert late.status_code == 201 and late.json()["recording"] is True
    assert row(normal.chain_id) == ("completed", "+77011234567", "201", "cc_operator", 95, True)
    assert row(missed.chain_id) == ("missed", "+77770001122", "", None, None, False)
    assert row(twice.chain_id) == (
        "completed",
        "+77013334455",
        "cc_operator",
        "cc_operator",
        95,
        False,
    )
    assert row(shuffled.chain_id) == ("completed", "+77015556677", "999", None, 60, False)
    assert Call.objects.count() == 4
    assert CallEvent.objects.count() == 3 + 2 + 3 + 3 + 1
    assert all(r.status_code in (200, 201) for r in pbx.responses)
