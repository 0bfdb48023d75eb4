"""The menu is data staff edit (CC-3): a changed prompt, a new key or a phrase reworded in
the admin is what the next caller hears, without a restart."""

from __future__ import annotations

from abonent.calls.ivr.models import IvrKey, IvrNode, IvrPrompt, NodeKind
from abonent.calls.ivr.tests.fake_pbx import FakePbx


def test_an_edited_prompt_a_new_key_and_a_reworded_phrase_apply_at_once(
    pbx: FakePbx, new_call: object
) -> None:
    pbx.dial()
    pbx.press("1")  # the tree is now in this process's snapshot
    main = IvrNode.objects.get(code="main")
    main.prompt_ru = "Новое меню. Для новостей нажмите 5."
    main.save()
    news = IvrNode.objects.create(
        code="news", kind=NodeKind.HANGUP, prompt_ru="Новостей нет. До свидания.", prompt_kk=""
    )
    IvrKey.objects.create(node=main, key="5", target=news)
    IvrPrompt.objects.filter(code="invalid_choice").delete()
    IvrPrompt.objects.create(code="invalid_choice", text_ru="Нет такой кнопки.", text_kk="Жоқ.")

    assert pbx.step("9").prompt == "Нет такой кнопки. Новое меню. Для новостей нажмите 5."
    bye = pbx.step("5")
    assert (bye.action, bye.prompt, bye.body["outcome"]) == (
        "hangup",
        "Новостей нет. До свидания.",
        "ended",
    )


def test_a_phrase_without_a_row_falls_back_to_its_translated_default(pbx: FakePbx) -> None:
    IvrPrompt.objects.filter(code="invalid_choice").delete()
    pbx.dial()
    turn = pbx.step("9")
    assert turn.code == "invalid_choice"
    assert turn.body["message"] in ("There is no such option.", "Такого пункта нет.")
    assert turn.body["message"] == turn.prompt.removesuffix(
        " " + IvrNode.objects.get(code="root").prompt_ru
    )
