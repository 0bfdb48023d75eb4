"""GET /api/v1/calendar/days/{date} and /deadline exactly as api.md says (D-1..D-3)."""

from datetime import date

import pytest
from django.test import Client

from abonent.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db


def test_a_plain_weekday_is_working(client: Client) -> None:
    r = client.get("/api/v1/calendar/days/2026-11-27")
    assert r.status_code == 200
    assert r.json() == {"date": "2026-11-27", "working": True, "reason": "weekday", "name": ""}


@pytest.mark.parametrize(
    ("day", "working", "reason"),
    [
        ("2026-11-28", False, "weekend"),
        ("2026-03-23", False, "holiday"),  # Nauryz
        ("2026-03-24", False, "carried_over"),  # Nauryz on Saturday carried to Tuesday
        ("2024-05-08", False, "transfer_off"),  # moved from Saturday 4 May by decree
        ("2024-05-04", True, "transfer_working"),
    ],
)
def test_days_carry_their_reason(client: Client, day: str, working: bool, reason: str) -> None:
    body = client.get(f"/api/v1/calendar/days/{day}").json()
    assert (body["working"], body["reason"]) == (working, reason)


def test_a_staff_override_wins_and_says_so(client: Client) -> None:
    CalendarOverride.objects.create(day=date(2026, 12, 31), working=False, basis="Decree 1/2026")
    body = client.get("/api/v1/calendar/days/2026-12-31").json()
    assert body == {
        "date": "2026-12-31",
        "working": False,
        "reason": "override",
        "name": "Decree 1/2026",
    }


def test_working_day_deadline_skips_nauryz(client: Client) -> None:
    r = client.get("/api/v1/calendar/deadline", {"start": "2026-03-16", "working_days": 15})
    assert r.status_code == 200
    # 17-20 Mar (4), 26-27 (6), 30 Mar-3 Apr (11), 6-9 Apr (15): 21-25 Mar are off.
    assert r.json() == {"start": "2026-03-16", "due": "2026-04-09"}


def test_calendar_day_deadline_moves_off_a_weekend_and_keeps_the_unmoved_date(
    client: Client,
) -> None:
    r = client.get("/api/v1/calendar/deadline", {"start": "2026-10-29", "calendar_days": 30})
    assert r.json() == {"start": "2026-10-29", "due": "2026-11-30", "unadjusted_due": "2026-11-28"}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"start": "2026-02-30", "working_days": 5}, "invalid_date"),
        ({"start": "yesterday", "working_days": 5}, "invalid_date"),
        ({"start": "1899-01-01", "working_days": 5}, "date_out_of_range"),
        ({"start": "2026-01-05"}, "missing_term"),
        ({"working_days": 5}, "missing_start"),
        ({"start": "2026-01-05", "working_days": 0}, "days_out_of_range"),
        ({"start": "2026-01-05", "working_days": -3}, "days_out_of_range"),
        ({"start": "2026-01-05", "working_days": 10**9}, "days_out_of_range"),
        ({"start": "2026-01-05", "calendar_days": 100000}, "days_out_of_range"),
        ({"start": "2026-01-05", "working_days": "ten"}, "invalid_number"),
        ({"start": "2026-01-05", "working_days": 5, "calendar_days": 5}, "both_terms_given"),
        ({"start": "2100-12-30", "calendar_days": 30}, "date_out_of_range"),
    ],
)
def test_bad_input_is_a_422_with_a_machine_code(client: Client, params: dict, code: str) -> None:
    r = client.get("/api/v1/calendar/deadline", params)
    assert r.status_code == 422
    assert r.json()["code"] == code


@pytest.mark.parametrize("day", ["2026-13-01", "abc", "20260101", "0000-01-01"])
def test_a_malformed_day_is_a_422(client: Client, day: str) -> None:
    r = client.get(f"/api/v1/calendar/days/{day}")
    assert r.status_code == 422
    assert r.json()["code"] in {"invalid_date", "date_out_of_range"}


def test_errors_come_in_the_requested_language(client: Client) -> None:
    r = client.get(
        "/api/v1/calendar/deadline",
        {"start": "bad", "working_days": 1},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert r.json()["message"] == "Укажите дату в формате ГГГГ-ММ-ДД."
    r = client.get(
        "/api/v1/calendar/deadline",
        {"start": "bad", "working_days": 1},
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert r.json()["message"] == "Күнді ЖЖЖЖ-АА-КК түрінде көрсетіңіз."


def test_the_deadline_endpoint_makes_one_query(client: Client, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        client.get("/api/v1/calendar/deadline", {"start": "2026-03-16", "working_days": 15})
