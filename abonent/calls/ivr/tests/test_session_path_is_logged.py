"""Every session is logged with its path (CC-3): the node of each step, the keys, the
result; and how it ended — self-served, abandoned, transferred."""

from __future__ import annotations

from abonent.calls.ivr.models import IvrSession, IvrStep
from abonent.calls.ivr.tests.conftest import DEBTOR
from abonent.calls.ivr.tests.fake_pbx import FakePbx


def _path(session_id: str) -> list[tuple[int, str, str, str, str]]:
    return list(
        IvrStep.objects.filter(session__session_id=session_id)
        .order_by("seq")
        .values_list("seq", "node_code", "input", "action", "result")
    )


def test_the_path_of_a_self_served_call(pbx: FakePbx, accounts: object) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("3")
    pbx.step("5")
    pbx.step(DEBTOR)
    pbx.step("")
    pbx.hang_up()
    assert _path("IVR-1") == [
        (1, "root", "", "collect", "ok"),
        (2, "root", "1", "collect", "ok"),
        (3, "main", "3", "collect", "ok"),
        (4, "balance", "5", "collect", "wrong_length"),
        (5, "balance", DEBTOR, "play", "balance_told"),
        (6, "main", "", "collect", "ok"),
        (7, "main", "", "hangup", "caller_hangup"),
    ]
    session = IvrSession.objects.get()
    assert (session.outcome, session.served, session.ended_at is not None) == (
        "self_served",
        True,
        True,
    )


def test_a_caller_who_hangs_up_unserved_abandoned(pbx: FakePbx) -> None:
    pbx.dial()
    pbx.press("2")
    pbx.hang_up()
    session = IvrSession.objects.get()
    assert (session.outcome, session.served, session.language) == ("abandoned", False, "kk")


def test_two_calls_keep_their_own_paths(new_call: object) -> None:
    make = new_call  # type: ignore[assignment]
    a, b = make("A-1", caller="87010000001"), make("B-2", caller="87010000002")
    a.dial()
    b.dial()
    a.press("1")
    b.press("2")
    b.press("0")
    assert [row[1:3] for row in _path("A-1")] == [("root", ""), ("root", "1")]
    assert [row[1:3] for row in _path("B-2")] == [("root", ""), ("root", "2"), ("main", "0")]
    assert dict(IvrSession.objects.values_list("session_id", "outcome")) == {
        "A-1": "",
        "B-2": "transferred",
    }


def test_a_hang_up_after_the_transfer_keeps_the_outcome(pbx: FakePbx) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("0")
    bye = pbx.hang_up()
    assert (bye.status, bye.action, bye.body["outcome"]) == (200, "hangup", "transferred")
    assert IvrSession.objects.get().outcome == "transferred"
    assert IvrStep.objects.count() == 3
