"""Fixtures of the reception tests: officials with hours, future slots and appeals."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from abonent.appeals.models import Appeal
from abonent.appeals.reception.models import ReceptionHours, ReceptionOfficial, ReceptionSlot
from abonent.appeals.services import AppealInput, register_appeal
from abonent.workdays.calendar import TIMEZONE

RU_TEXT = "Прошу принять меня по вопросу перерасчёта начислений за отопление за ноябрь."
KK_TEXT = (
    "Қараша айындағы жылу үшін төлемді қайта есептеу мәселесі бойынша қабылдауыңызды сұраймын."
)


@pytest.fixture
def official(demo: None) -> ReceptionOfficial:
    return ReceptionOfficial.objects.create(
        user=get_user_model().objects.get(username="manager"),
        full_name="Тулегенов Марат",
        position_ru="Заместитель генерального директора",
        position_kk="Бас директордың орынбасары",
    )


@pytest.fixture
def other_official(demo: None) -> ReceptionOfficial:
    return ReceptionOfficial.objects.create(
        full_name="Сейтказиева Динара", position_ru="Начальник Управления сбыта", ordering=2
    )


def add_hours(
    official: ReceptionOfficial, weekday: int, starts: str, ends: str, minutes: int = 30
) -> ReceptionHours:
    return ReceptionHours.objects.create(
        official=official,
        weekday=weekday,
        starts=time.fromisoformat(starts),
        ends=time.fromisoformat(ends),
        slot_minutes=minutes,
        place_ru="каб. 201, ул. Демо-Центральная, 1",
        place_kk="201 каб., Демо-Орталық к-сі, 1",
    )


def make_slot(official: ReceptionOfficial, *, days: int = 3, hour: int = 10) -> ReceptionSlot:
    day = timezone.localdate() + timedelta(days=days)
    starts = datetime.combine(day, time(hour), tzinfo=TIMEZONE)
    return ReceptionSlot.objects.create(
        official=official,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=30),
        place_ru="каб. 201, ул. Демо-Центральная, 1",
        place_kk="201 каб., Демо-Орталық к-сі, 1",
    )


@pytest.fixture
def slot(official: ReceptionOfficial) -> ReceptionSlot:
    return make_slot(official)


def new_appeal(*, language: str = "ru", email: str = "ivan@example.kz", **over: Any) -> Appeal:
    data = AppealInput(
        channel="post",
        kind="complaint",
        applicant_type="individual",
        last_name="Иванов",
        first_name="Иван",
        phone="+77011234567",
        email=email,
        text=KK_TEXT if language == "kk" else RU_TEXT,
        language=language,
        signed=True,
    )
    for key, value in over.items():
        setattr(data, key, value)
    return register_appeal(data=data, actor=get_user_model().objects.get(username="chancellery"))


@pytest.fixture
def written(demo: None) -> Appeal:
    return new_appeal()


@pytest.fixture
def bearer(token_for: Callable[[str], str]) -> Callable[[str | None], dict[str, str]]:
    """The auth header of a user, one token per user and test."""
    tokens: dict[str, str] = {}

    def header(user: str | None) -> dict[str, str]:
        if user is None:
            return {}
        if user not in tokens:
            tokens[user] = token_for(user)
        return {"HTTP_AUTHORIZATION": f"Bearer {tokens[user]}"}

    return header


@pytest.fixture
def post_json(client: Client, bearer: Callable[[str | None], dict[str, str]]) -> Callable[..., Any]:
    def post(url: str, body: dict[str, Any], user: str | None = "chancellery") -> Any:
        headers = bearer(user)
        return client.post(url, json.dumps(body), content_type="application/json", **headers)

    return post


@pytest.fixture
def get_json(client: Client, bearer: Callable[[str | None], dict[str, str]]) -> Callable[..., Any]:
    def get(url: str, user: str | None = "chancellery", **extra: Any) -> Any:
        headers = bearer(user)
        return client.get(url, **headers, **extra)

    return get


def login(client: Client, username: str) -> Client:
    client.force_login(get_user_model().objects.get(username=username))
    return client
