"""Helpers of the kiosk's tests (Q-1, Q-2): the token of a kiosk screen and the facts a
screen shows, read from its markup (never from translated words)."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')
STATE_RE = re.compile(r'data-service="([^"]+)" data-state="(open|closed)"')


def screen_token(client: Client, office: str) -> str:
    page = client.get(f"/queue/{office}/kiosk/")
    assert page.status_code == 200
    found = TOKEN_RE.search(page.content.decode())
    assert found is not None
    return found.group(1)


def tap(client: Client, office: str, service: str, token: str, **extra: Any) -> Any:
    return client.post(
        f"/queue/{office}/kiosk/take/", {"service": service, "token": token}, **extra
    )


def text_of(response: Any, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', response.content.decode())
    assert found is not None, element_id
    return found.group(1).strip()
