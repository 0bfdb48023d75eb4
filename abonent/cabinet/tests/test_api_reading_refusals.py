"""PC-1: every refusal is a 422 with its code, and a refused reading stores nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.test import override_settings

from abonent.cabinet.models import Meter, Reading
from abonent.core.models import AuditEntry

from .conftest import ASTANA, Api, Clock, add_history, make_account


def post(
    api: Api, value: object, *, account: str = "100200300", meter: str = "HW-1"
) -> tuple[int, dict[str, object]]:
    response = api.post(
        "/readings",
        {"account": account, "meter": meter, "value": value, "source": "contact_center"},
    )
    return response.status_code, response.json()


@pytest.fixture
def history(meter: Meter) -> Meter:
    add_history(meter, [100, 110, 120, 130])
    return meter


def assert_nothing_stored() -> None:
    assert Reading.objects.filter(period=date(2026, 3, 1)).count() == 0
    assert not AuditEntry.objects.filter(action__startswith="reading.").exists()


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12a", "not_a_number"),
        ("abc", "not_a_number"),
        ("1e3", "not_a_number"),
        ("", "not_a_number"),
        (True, "validation_error"),
        ("-5", "negative"),
        (-5, "negative"),
        ("130.5", "too_many_decimals"),
        (130.5, "too_many_decimals"),
        ("123456", "too_many_digits"),
        ("9" * 900, "too_many_digits"),
        (10**40, "too_many_digits"),
        (1e300, "too_many_digits"),
        ("129", "decreasing"),
        ("50000", "implausible"),
    ],
)
def test_bad_values_are_refused_with_their_code(
    cc: Api, history: Meter, clock: Clock, value: object, code: str
) -> None:
    status, answer = post(cc, value)
    assert (status, answer["code"]) == (422, code)
    assert answer["message"]
    assert_nothing_stored()


def test_unknown_account_or_meter_is_unknown_meter(cc: Api, history: Meter, clock: Clock) -> None:
    assert post(cc, "135", account="999")[1]["code"] == "unknown_meter"
    assert post(cc, "135", meter="NOPE")[1]["code"] == "unknown_meter"
    make_account("555", serial="OTHER")
    assert post(cc, "135", meter="OTHER")[1]["code"] == "unknown_meter"
    assert_nothing_stored()


def test_an_inactive_meter_is_unknown(cc: Api, history: Meter, clock: Clock) -> None:
    Meter.objects.filter(pk=history.pk).update(is_active=False)
    assert post(cc, "135")[1]["code"] == "unknown_meter"
    assert_nothing_stored()


def test_expired_verification_is_refused(cc: Api, clock: Clock, db: None) -> None:
    make_account(verification_due=date(2026, 3, 9))
    status, answer = post(cc, "135")
    assert (status, answer["code"], answer["verification_due"]) == (
        422,
        "verification_expired",
        "2026-03-09",
    )
    assert_nothing_stored()


@override_settings(ABONENT_READINGS_OUTSIDE_WINDOW="refuse")
def test_outside_the_window_is_refused_when_configured(
    cc: Api, history: Meter, clock: Clock
) -> None:
    clock.at = datetime(2026, 3, 26, 9, 0, tzinfo=ASTANA)
    status, answer = post(cc, "135")
    assert (status, answer["code"], answer["first_day"], answer["last_day"]) == (
        422,
        "outside_window",
        "1",
        "25",
    )
    assert Reading.objects.filter(period__gte=date(2026, 3, 1)).count() == 0


@override_settings(ABONENT_READINGS_OUTSIDE_WINDOW="next_period")
def test_outside_the_window_counts_for_the_next_period_when_configured(
    cc: Api, history: Meter, clock: Clock
) -> None:
    clock.at = datetime(2026, 3, 26, 9, 0, tzinfo=ASTANA)
    status, answer = post(cc, "150")
    assert (status, answer["period"], answer["status"], answer["consumption"]) == (
        201,
        "2026-04",
        "next_period",
        "20",
    )


def test_local_date_decides_the_window(cc: Api, history: Meter, clock: Clock) -> None:
    # 25 March 23:30 in Astana is 18:30 UTC: still inside the 1st-25th window.
    clock.at = datetime(2026, 3, 25, 23, 30, tzinfo=ASTANA)
    with override_settings(ABONENT_READINGS_OUTSIDE_WINDOW="refuse"):
        status, answer = post(cc, "135")
    assert (status, answer["period"]) == (201, "2026-03")
