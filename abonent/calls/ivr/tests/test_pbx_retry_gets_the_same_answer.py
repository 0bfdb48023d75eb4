"""The PBX may send a step again (a timeout, a lost answer): the same ``seq`` gets the same
answer and the session does not move twice. A missing step, an unknown session or an
ended one are refused with their codes. Oktell's form bodies work like JSON."""

from __future__ import annotations

from abonent.calls.ivr.demo import NODES
from abonent.calls.ivr.models import IvrSession, IvrStep
from abonent.calls.ivr.tests.fake_pbx import FakePbx

RU = {seed.code: seed.ru for seed in NODES}
KK = {seed.code: seed.kk for seed in NODES}


def test_a_retried_step_is_answered_from_the_log(pbx: FakePbx) -> None:
    pbx.dial()
    first = pbx.post("2", seq=2)
    again = pbx.post("2", seq=2)
    also = pbx.post("1", seq=2)  # whatever the keys: it is the same step
    assert first.body == again.body == also.body
    assert (first.body["language"], first.prompt) == ("kk", KK["main"])
    assert IvrStep.objects.count() == 2
    assert IvrSession.objects.get().last_seq == 2


def test_a_retried_refusal_keeps_its_status(pbx: FakePbx) -> None:
    pbx.dial()
    first = pbx.post("9", seq=2)
    again = pbx.post("9", seq=2)
    assert (first.status, again.status) == (422, 422)
    assert first.body == again.body
    assert IvrSession.objects.get().failures == 1


def test_a_gap_in_the_steps_is_409(pbx: FakePbx) -> None:
    pbx.dial()
    turn = pbx.post("1", seq=3)
    assert (turn.status, turn.code, turn.body["expected_seq"]) == (409, "seq_gap", 2)
    assert IvrStep.objects.count() == 1


def test_a_session_that_did_not_start_here_is_unknown(pbx: FakePbx) -> None:
    turn = pbx.post("1", seq=4)
    assert (turn.status, turn.code) == (422, "unknown_session")
    hangup = pbx.post("", hangup=True)
    assert (hangup.status, hangup.code) == (422, "unknown_session")
    assert IvrSession.objects.count() == 0


def test_without_seq_every_post_is_a_new_step(pbx: FakePbx) -> None:
    assert pbx.post("").prompt == RU["root"]
    assert pbx.post("1").prompt == RU["main"]
    assert pbx.post("1").prompt == RU["reference"]
    assert list(IvrStep.objects.values_list("seq", flat=True)) == [1, 2, 3]


def test_oktell_form_bodies_work(pbx: FakePbx) -> None:
    pbx.form = True
    pbx.dial()
    turn = pbx.press("1")
    assert (turn.status, turn.prompt) == (200, RU["main"])
    bye = pbx.hang_up()
    assert (bye.status, bye.action, bye.body["outcome"]) == (200, "hangup", "abandoned")


def test_a_multipart_form_works_too(pbx: FakePbx) -> None:
    resp = pbx.client.post(
        "/api/v1/ivr/step",
        {"session": "M-1", "caller": "87011234567", "input": "", "seq": "1"},
        HTTP_AUTHORIZATION=f"Bearer {pbx.token}",
    )
    assert (resp.status_code, resp.json()["prompt"]) == (200, RU["root"])


def test_an_oversized_body_is_413(pbx: FakePbx) -> None:
    resp = pbx.client.post(
        "/api/v1/ivr/step",
        {"session": "M-1", "caller": "x" * 5000},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pbx.token}",
    )
    assert (resp.status_code, resp.json()["code"]) == (413, "too_large")
    assert IvrSession.objects.count() == 0
