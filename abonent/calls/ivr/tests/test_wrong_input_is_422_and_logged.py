"""Keys of the wrong length or that are not digits answer 422 with a machine code and,
in the same body, the question again; the step is logged with what was pressed."""

from __future__ import annotations

import pytest

from abonent.calls.ivr.demo import NODES, PHRASES
from abonent.calls.ivr.models import IvrStep
from abonent.calls.ivr.tests.conftest import SINGLE
from abonent.calls.ivr.tests.fake_pbx import FakePbx

RU = {seed.code: seed.ru for seed in NODES}


@pytest.mark.parametrize(
    ("keys", "code"),
    [
        ("123456789", "wrong_length"),
        ("12345678901#", "wrong_length"),
        ("12345*7890", "not_digits"),
        ("", "no_input"),
    ],
)
def test_a_bad_account_number_is_422_and_logged(
    pbx: FakePbx, accounts: object, keys: str, code: str
) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("2")
    turn = pbx.step(keys)
    assert (turn.status, turn.code, turn.action) == (422, code, "collect")
    assert turn.prompt == f"{PHRASES[code][0]} {RU['reading']}"
    assert turn.body["expect"] == {"min_digits": 10, "max_digits": 10, "terminator": "#"}
    step = IvrStep.objects.get(seq=turn.body["seq"])
    assert (step.node_code, step.input, step.result, step.status, step.action) == (
        "reading",
        keys,
        code,
        422,
        "collect",
    )
    assert step.response == turn.body


def test_a_reading_longer_than_the_register_is_wrong_length(pbx: FakePbx, accounts: object) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("2")
    pbx.press(SINGLE)
    turn = pbx.step("123456*789")  # 5 digits, 3 decimals and the star: 9 keys at most
    assert (turn.status, turn.code) == (422, "wrong_length")
    assert IvrStep.objects.filter(result="wrong_length", input="123456*789").count() == 1


def test_a_key_the_menu_does_not_offer_is_invalid_choice(pbx: FakePbx) -> None:
    pbx.dial()
    turn = pbx.step("7")
    assert (turn.status, turn.code, turn.prompt) == (
        422,
        "invalid_choice",
        f"{PHRASES['invalid_choice'][0]} {RU['root']}",
    )


def test_malformed_requests_are_refused_without_a_step(pbx: FakePbx) -> None:
    pbx.dial()
    too_long = pbx.post("1" * 65, seq=2)
    assert (too_long.status, too_long.code) == (422, "validation_error")
    assert "input" in too_long.body["fields"]
    assert IvrStep.objects.count() == 1
