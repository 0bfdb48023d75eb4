from __future__ import annotations

import json
from typing import Any

from django.test import Client

PERSON = {
    "type": "individual",
    "last_name": "Иванов",
    "first_name": "Иван",
    "email": "ivan@example.kz",
    "phone": "+77011234567",
}
TEXT = "Прошу сделать перерасчёт начислений за горячую воду за октябрь 2026 года."


def post(client: Client, url: str, body: dict[str, Any], token: str | None = None, **extra: Any):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers, **extra)


def appeal_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "web",
        "kind": "complaint",
        "applicant": dict(PERSON),
        "text": TEXT,
    }
    body.update(over)
    return body
