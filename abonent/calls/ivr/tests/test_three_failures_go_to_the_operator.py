"""Three failed tries on one question go to the operator, after the recording warning
(CC-3); outside the contact centre's hours the caller is told so and goes back to
self-service; at the main menu itself the call ends politely."""

from __future__ import annotations

from datetime import datetime

from abonent.cabinet.models import Reading
from abonent.calls.ivr.demo import NODES, PHRASES
from abonent.calls.ivr.models import IvrSession
from abonent.calls.ivr.tests.conftest import ASTANA, SINGLE, Clock
from abonent.calls.ivr.tests.fake_pbx import FakePbx

RU = {seed.code: seed.ru for seed in NODES}
WARNING = PHRASES["recording_warning"][0]
TRIES = PHRASES["too_many_tries"][0]


def _to_value(pbx: FakePbx) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("2")
    pbx.press(SINGLE)


def test_three_refused_readings_transfer_with_the_recording_warning(
    pbx: FakePbx, accounts: object
) -> None:
    _to_value(pbx)
    pbx.press("99")
    assert pbx.step("1").code == "decreasing"
    assert pbx.step("1*2*3").code == "not_digits"
    pbx.press("98")
    last = pbx.step("1")
    assert (last.status, last.code, last.action) == (422, "decreasing", "transfer")
    assert last.prompt == f"Показание меньше предыдущего. {TRIES} {WARNING} {RU['operator']}"
    assert last.body["prompt_code"] == (
        "refused_decreasing+too_many_tries+recording_warning+operator"
    )
    assert (last.body["transfer_to"], last.body["outcome"]) == ("contact_center", "transferred")
    session = IvrSession.objects.get()
    assert (session.outcome, session.transfer_to, session.ended_at is not None) == (
        "transferred",
        "contact_center",
        True,
    )
    assert not Reading.objects.filter(period="2026-03-01").exists()
    after = pbx.step("1")
    assert (after.status, after.code) == (409, "session_ended")


def test_three_wrong_account_numbers_transfer_too(pbx: FakePbx, accounts: object) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("2")
    codes = [pbx.step(keys).code for keys in ["123", "9999999999", "12345678901"]]
    assert codes == ["wrong_length", "unknown_account", "wrong_length"]
    assert pbx.heard[-1].action == "transfer"
    assert WARNING in pbx.heard[-1].prompt


def test_outside_hours_three_failures_go_back_to_self_service(
    pbx: FakePbx, accounts: object, clock: Clock
) -> None:
    clock.set(datetime(2026, 3, 17, 18, 30, tzinfo=ASTANA))
    _to_value(pbx)
    for keys in ["99", "98", "97"]:
        pbx.press(keys)
        turn = pbx.step("1")
    notice = PHRASES["closed"][0].format(day="18.03.2026", time="09:00")
    assert (turn.status, turn.code, turn.action) == (422, "decreasing", "play")
    assert turn.prompt == f"Показание меньше предыдущего. {TRIES} {notice}"
    assert WARNING not in turn.prompt
    assert pbx.step("").prompt == RU["main"]
    assert IvrSession.objects.get().outcome == ""


def test_outside_hours_three_failures_at_the_main_menu_say_goodbye(
    pbx: FakePbx, clock: Clock
) -> None:
    clock.set(datetime(2026, 3, 17, 18, 30, tzinfo=ASTANA))
    pbx.dial()
    pbx.press("1")
    codes = [pbx.step(keys).code for keys in ["9", "", "77"]]
    assert codes == ["invalid_choice", "no_input", "invalid_choice"]
    last = pbx.heard[-1]
    assert (last.action, last.prompt) == (
        "hangup",
        f"Такого пункта нет. {TRIES} {PHRASES['goodbye'][0]}",
    )
    assert IvrSession.objects.get().outcome == "ended"
