"""A whole call in Russian, as the PBX drives it (CC-3): the language menu, reference
information, a reading, the balance, the operator; every answer in the session's language."""

from __future__ import annotations

from abonent.calls.ivr.demo import NODES, PHRASES
from abonent.calls.ivr.models import IvrSession, IvrStep
from abonent.calls.ivr.tests.conftest import DEBTOR, SINGLE
from abonent.calls.ivr.tests.fake_pbx import FakePbx

RU = {seed.code: seed.ru for seed in NODES}


def test_a_russian_caller_is_served_in_russian_from_the_first_key(
    pbx: FakePbx, accounts: object
) -> None:
    first = pbx.dial()
    assert (first.status, first.action, first.body["prompt_code"]) == (200, "collect", "root")
    assert first.body["expect"] == {"min_digits": 1, "max_digits": 1, "terminator": ""}
    assert first.prompt == RU["root"]

    main = pbx.press("1")
    assert (main.body["language"], main.prompt) == ("ru", RU["main"])

    assert pbx.press("1").prompt == RU["reference"]
    hours = pbx.step("1")
    assert hours.action == "play"
    assert hours.prompt == f"{RU['cc_hours']} Контакт-центр сейчас работает, до 18:00."
    assert pbx.step("").prompt == RU["reference"]
    assert pbx.press("*").prompt == RU["main"]

    ask = pbx.press("2")
    assert (ask.prompt, ask.body["expect"]) == (
        RU["reading"],
        {"min_digits": 10, "max_digits": 10, "terminator": "#"},
    )
    value = pbx.press(f"{SINGLE}#")
    assert value.prompt == PHRASES["reading_value"][0].format(tail="W 5 0 1")
    assert value.body["expect"] == {"min_digits": 1, "max_digits": 9, "terminator": "#"}
    assert pbx.press("103*5").prompt == (
        "Вы ввели 103,5. Для подтверждения нажмите 1. Чтобы ввести заново, нажмите 2."
    )
    accepted = pbx.step("1")
    assert (accepted.action, accepted.prompt) == ("play", "Спасибо, показание 103,500 принято.")
    assert pbx.step("").prompt == RU["main"]

    pbx.press("3")
    balance = pbx.step(DEBTOR)
    assert (
        balance.prompt
        == "На 01.03.2026 задолженность по лицевому счёту составляет 12 345,50 тенге."
    )
    assert pbx.step("").prompt == RU["main"]

    operator = pbx.press("0")
    assert (operator.action, operator.body["transfer_to"], operator.body["outcome"]) == (
        "transfer",
        "contact_center",
        "transferred",
    )
    assert operator.prompt == (
        "Обращаем ваше внимание: разговор с оператором записывается. "
        "Соединяю с оператором. Пожалуйста, оставайтесь на линии."
    )
    assert all(t.status == 200 for t in pbx.heard)

    session = IvrSession.objects.get(session_id="IVR-1")
    assert (session.language, session.outcome, session.caller, session.served) == (
        "ru",
        "transferred",
        "87011234567",
        True,
    )
    assert IvrStep.objects.filter(session=session).count() == len(pbx.heard) == 15
