"""A settable clock, API clients per persona and a visit factory for the visits' tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from abonent.visits import services
from abonent.visits.models import Visit

ASTANA = ZoneInfo("Asia/Almaty")
# A Tuesday, 10:00 in Astana.
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=ASTANA)
# Tuesday of the next week: exactly 5 working days after TUESDAY_10's day.
NEXT_TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=ASTANA)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at

    def tick(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(TUESDAY_10)
    monkeypatch.setattr(services, "now", c)
    return c


class Api:
    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/v1/visits{path}",
            data=json.dumps(body or {}),
            content_type="application/json",
            headers=self.headers,
        )

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1/visits{path}", params, headers=self.headers)


@pytest.fixture
def api_as(demo: None, token_for: Callable[[str], str]) -> Callable[[str | None], Api]:
    def make(username: str | None) -> Api:
        return Api(Client(), token_for(username) if username else None)

    return make


def visit_body(starts_at: datetime, hours: int = 2, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "address": "г. Астана, ул. Секретная, 99, кв. 13",
        "contact_name": "Жанна Тайная",
        "phone": "+77019998877",
        "email": "zhanna@example.kz",
        "purpose": "meter_check",
        "reason": "Плановая проверка счётчика ГВС",
        "employees": ["controller"],
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=hours)).isoformat(),
    }
    body.update(extra)
    return body


def plan(at: datetime, **extra: Any) -> Visit:
    """Plan through the service as the head; the clock must allow it."""
    from django.contrib.auth import get_user_model

    body = visit_body(at, **extra)
    data = services.VisitInput(
        address=body["address"],
        purpose=body["purpose"],
        reason=body["reason"],
        employees=body["employees"],
        starts_at=datetime.fromisoformat(body["starts_at"]),
        ends_at=datetime.fromisoformat(body["ends_at"]),
        contact_name=body["contact_name"],
        phone=body["phone"],
        email=body["email"],
        urgent=body.get("urgent", False),
        urgency_reason=body.get("urgency_reason", ""),
    )
    head = get_user_model().objects.get(username="head")
    return services.plan_visit(data=data, actor=head)


def code_of(visit: Visit) -> str:
    from abonent.visits import codes

    return codes.derive(visit.code_salt)
