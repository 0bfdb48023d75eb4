"""The demo menu loads idempotently, keeps what staff edited, and has every phrase in both
languages with the placeholders its default uses."""

from __future__ import annotations

import re

from abonent.calls.ivr.demo import PHRASES, load_demo
from abonent.calls.ivr.models import IvrKey, IvrNode, IvrPrompt
from abonent.calls.ivr.prompts import DEFAULTS


def test_loading_twice_creates_nothing_more_and_keeps_edits(db: None) -> None:
    assert load_demo() == {"nodes": 10, "keys": 11, "phrases": len(PHRASES)}
    IvrNode.objects.filter(code="main").update(prompt_ru="Изменено.")
    assert load_demo() == {"nodes": 0, "keys": 0, "phrases": 0}
    assert IvrNode.objects.get(code="main").prompt_ru == "Изменено."
    assert IvrKey.objects.count() == 11
    assert IvrPrompt.objects.count() == len(PHRASES)


def test_every_default_phrase_has_its_demo_words_with_the_same_placeholders() -> None:
    for code, default in DEFAULTS.items():
        wanted = set(re.findall(r"%\((\w+)\)s", str(default)))
        ru, kk = PHRASES[code]
        assert set(re.findall(r"\{(\w+)\}", ru)) == wanted, code
        assert set(re.findall(r"\{(\w+)\}", kk)) == wanted, code
        assert kk != ru, code
