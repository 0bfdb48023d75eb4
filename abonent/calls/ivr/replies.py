"""The answers of the voice menu's engine (see dialogue.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from abonent.calls.ivr.prompts import join

COLLECT = "collect"


@dataclass(frozen=True)
class Expect:
    min_digits: int
    max_digits: int
    terminator: str


MENU_KEY = Expect(1, 1, "")


@dataclass(frozen=True)
class Reply:
    action: str
    prompt: str
    prompt_code: str
    expect: Expect | None = None
    transfer_to: str = ""
    error: str = ""  # the caller's entry was refused with this code: the step answers 422
    message: str = ""  # what was said about the refusal
    result: str = "ok"

    def after(self, text: str, code: str) -> Reply:
        """The same reply with ``text`` said first."""
        return replace(
            self, prompt=join(text, self.prompt), prompt_code=f"{code}+{self.prompt_code}"
        )
