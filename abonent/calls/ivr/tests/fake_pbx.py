"""A fake PBX for the voice menu's tests: it runs an IVR scenario the way Oktell's does —
one web request per step to ``POST /api/v1/ivr/step`` with the integration user's bearer
token, the call's id as ``session``, the caller's number, the keys collected and the step's
number ``seq``; it says what it is told, collects keys, and after a ``play`` comes straight
back with no keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.test import Client

URL = "/api/v1/ivr/step"


@dataclass
class Turn:
    status: int
    body: dict[str, Any]

    @property
    def action(self) -> str:
        return str(self.body["action"])

    @property
    def prompt(self) -> str:
        return str(self.body["prompt"])

    @property
    def code(self) -> str | None:
        return self.body.get("code")


@dataclass
class FakePbx:
    client: Client
    token: str
    session: str = "IVR-1"
    caller: str = "87011234567"
    seq: int = 0
    form: bool = False
    heard: list[Turn] = field(default_factory=list)

    def post(self, keys: str = "", *, seq: int | None = None, **extra: Any) -> Turn:
        data: dict[str, Any] = {
            "session": self.session,
            "caller": self.caller,
            "input": keys,
            **extra,
        }
        if seq is not None:
            data["seq"] = seq
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if self.form:  # what Oktell's web-request block sends
            body = urlencode(
                {k: str(v).lower() if isinstance(v, bool) else v for k, v in data.items()}
            )
            resp = self.client.post(
                URL, body, content_type="application/x-www-form-urlencoded", **headers
            )
        else:
            resp = self.client.post(URL, data, content_type="application/json", **headers)
        turn = Turn(resp.status_code, resp.json())
        self.heard.append(turn)
        return turn

    def step(self, keys: str = "") -> Turn:
        self.seq += 1
        return self.post(keys, seq=self.seq)

    def dial(self) -> Turn:
        return self.step("")

    def press(self, keys: str) -> Turn:
        """Keys in answer to a ``collect``; then through any ``play`` to the next question."""
        turn = self.step(keys)
        return self.through(turn)

    def through(self, turn: Turn) -> Turn:
        while turn.action == "play":
            turn = self.step("")
        return turn

    def hang_up(self) -> Turn:
        self.seq += 1
        return self.post("", seq=self.seq, hangup=True)

    def prompts(self) -> list[str]:
        return [t.prompt for t in self.heard]
