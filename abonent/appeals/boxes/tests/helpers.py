from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from abonent.appeals.boxes import services
from abonent.appeals.boxes.models import BoxItem
from abonent.core.models import Office
from abonent.workdays.calendar import TIMEZONE

PERSON = {
    "type": "individual",
    "last_name": "Иванов",
    "first_name": "Иван",
    "postal_address": "г. Астана, ул. Тестовая, 1",
    "phone": "8 701 123 45 67",
    "email": "Ivan@Example.kz",
}
TEXT = "Прошу сделать перерасчёт начислений за горячую воду за октябрь 2026 года."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def post(client: Client, url: str, body: Any, token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def get(client: Client, url: str, token: str | None = None, **extra: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, **headers, **extra)


def item_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "complaint",
        "applicant": dict(PERSON),
        "text": TEXT,
        "sheets": 2,
    }
    body.update(over)
    return body


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TIMEZONE)


def take(
    office: str = "sc1",
    username: str = "operator",
    taken_at: datetime | None = None,
    accept_incomplete: bool = False,
    **over: Any,
) -> BoxItem:
    """Put an appeal into a box through the service, as the operator does."""
    fields: dict[str, Any] = {
        "kind": "complaint",
        "applicant_type": "individual",
        "last_name": "Иванов",
        "first_name": "Иван",
        "phone": "+77011234567",
        "email": "ivan@example.kz",
        "text": TEXT,
        "sheets": 1,
    }
    fields.update(over)
    return services.take_appeal(
        office=Office.objects.get(code=office),
        data=services.BoxInput(**fields),
        actor=get_user_model().objects.get(username=username),
        accept_incomplete=accept_incomplete,
        taken_at=taken_at,
    )
