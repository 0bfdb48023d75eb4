"""A whole call in Kazakh (CC-3): after key 2 of the language menu every prompt and phrase
is the Kazakh one, the reading's read-back and refusals included."""

from __future__ import annotations

from abonent.cabinet.models import Reading
from abonent.calls.ivr.demo import NODES
from abonent.calls.ivr.models import IvrSession
from abonent.calls.ivr.tests.conftest import DEBTOR, DOUBLE
from abonent.calls.ivr.tests.fake_pbx import FakePbx

KK = {seed.code: seed.kk for seed in NODES}


def test_a_kazakh_caller_hears_kazakh_to_the_end(pbx: FakePbx, accounts: object) -> None:
    pbx.dial()
    main = pbx.press("2")
    assert (main.body["language"], main.prompt) == ("kk", KK["main"])

    pbx.press("1")
    hours = pbx.step("1")
    assert (
        hours.prompt
        == f"{KK['cc_hours']} Байланыс орталығы қазір жұмыс істеп тұр, сағат 18:00-ге дейін."
    )
    pbx.step("")
    pbx.press("*")

    pbx.press("2")
    choose = pbx.press(DOUBLE)
    assert choose.prompt == (
        "Дербес шоттағы ыстық су есептегіштерінің саны: 2. "
        "Нөмірі W 7 7 A деп аяқталатын есептегіш үшін 1 басыңыз. "
        "Нөмірі W 7 7 B деп аяқталатын есептегіш үшін 2 басыңыз."
    )
    assert pbx.press("2").prompt == (
        "Нөмірі W 7 7 B деп аяқталатын есептегіштің көрсеткішін енгізіңіз. "
        "Ондық үтірді жұлдызшамен енгізіп, соңында торды басыңыз."
    )
    refused = pbx.press("205")
    assert (refused.status, refused.code) == (200, None)
    refused = pbx.step("1")
    assert (refused.status, refused.code, refused.body["message"]) == (
        422,
        "decreasing",
        "Көрсеткіш алдыңғысынан аз.",
    )
    assert refused.prompt.startswith("Көрсеткіш алдыңғысынан аз. Нөмірі W 7 7 B")
    assert pbx.press("209").prompt == (
        "Сіз 209 енгіздіңіз. Растау үшін 1 басыңыз. Қайта енгізу үшін 2 басыңыз."
    )
    assert pbx.step("1").prompt == "Рақмет, 209 көрсеткіші қабылданды."
    assert pbx.step("").prompt == KK["main"]

    pbx.press("3")
    assert pbx.step(DEBTOR).prompt == (
        "01.03.2026 жағдай бойынша дербес шот бойынша берешек 12 345,50 теңге."
    )
    pbx.step("")
    operator = pbx.press("0")
    assert operator.prompt == (
        "Назар аударыңыз: оператормен сөйлесу жазылады. "
        "Операторға қосып жатырмын. Желіден шықпаңыз."
    )
    assert IvrSession.objects.get().language == "kk"
    stored = Reading.objects.get(meter__serial="HW-77-B", period="2026-03-01")
    assert (stored.value, stored.source) == (209, "ivr")
