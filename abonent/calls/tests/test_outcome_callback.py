"""CC-6: a callback time must be in the future and inside the contact centre's hours (its
department's schedule, Mon-Fri 09:00-18:00, closed on holidays); a refusal names the next
possible time and stores nothing; an accepted one becomes a callback task."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from abonent.calls.models import Callback, CallOutcome
from abonent.calls.rules import check_callback_time
from abonent.calls.tests.conftest import ASTANA, Clock, audit_actions
from abonent.core.models import AuditEntry

Post = Callable[..., Any]


def callback(at: str, **extra: Any) -> dict[str, Any]:
    return {"outcome": "callback", "topic": "charges", "answer": "Уточню перерасчёт.",
            "callback_at": at, **extra}  # fmt: skip


def test_a_callback_becomes_a_task_assigned_to_the_operator(
    answered: str, post_outcome: Post
) -> None:
    r = post_outcome(answered, callback("2026-03-18T11:30:00+05:00"))
    assert r.status_code == 201
    task = r.json()["callback"]
    assert task == {
        "id": task["id"],
        "call_id": "C-1",
        "phone": "+77011234567",
        "due_at": "2026-03-18T11:30:00+05:00",
        "overdue": False,
        "assignee": "cc_operator",
        "status": "open",
        "topic": "charges",
        "answer": "Уточню перерасчёт.",
        "done_at": None,
        "done_by": None,
        "note": "",
    }
    stored = Callback.objects.get()
    assert stored.due_at == datetime(2026, 3, 18, 11, 30, tzinfo=ASTANA)
    assert stored.assignee is not None and stored.assignee.username == "cc_operator"
    entry = AuditEntry.objects.get(action="call.outcome_recorded")
    assert entry.after is not None
    assert (entry.after["callback"], entry.after["assignee"]) == (stored.pk, "cc_operator")


def test_a_callback_may_go_to_the_pool(answered: str, post_outcome: Post) -> None:
    r = post_outcome(answered, callback("2026-03-17T16:00:00+05:00", callback_to="pool"))
    assert r.status_code == 201
    assert r.json()["callback"]["assignee"] is None
    assert Callback.objects.get().assignee is None


@pytest.mark.parametrize(
    ("clock_at", "asked", "code", "next_possible"),
    [
        # The clock stands at Tuesday 10:05: the first 5-minute step after it.
        (None, "2026-03-17T10:00:00+05:00", "callback_in_past", "2026-03-17T10:10:00+05:00"),
        (None, "2026-03-17T10:05:00+05:00", "callback_in_past", "2026-03-17T10:10:00+05:00"),
        (None, "2026-03-17T19:00:00+05:00", "callback_outside_hours", "2026-03-18T09:00:00+05:00"),
        # 18:00 is closing time, not inside the hours.
        (None, "2026-03-17T18:00:00+05:00", "callback_outside_hours", "2026-03-18T09:00:00+05:00"),
        (None, "2026-03-18T08:59:00+05:00", "callback_outside_hours", "2026-03-18T09:00:00+05:00"),
        # Saturday; then Nauryz (21-23 March) and its carry-overs (24, 25 March 2026).
        (None, "2026-03-28T10:00:00+05:00", "callback_outside_hours", "2026-03-30T09:00:00+05:00"),
        (None, "2026-03-23T10:00:00+05:00", "callback_outside_hours", "2026-03-26T09:00:00+05:00"),
        # Friday 17:58: the next 5-minute step is closing time, so after the holidays.
        (datetime(2026, 3, 20, 17, 58), "2026-03-20T17:00:00+05:00", "callback_in_past",
         "2026-03-26T09:00:00+05:00"),
        # The same moment written in UTC is read as such.
        (None, "2026-03-17T13:30:00Z", "callback_outside_hours", "2026-03-18T09:00:00+05:00"),
    ],
)  # fmt: skip
def test_a_refused_callback_names_the_next_possible_time_and_stores_nothing(
    answered: str,
    post_outcome: Post,
    clock: Clock,
    clock_at: datetime | None,
    asked: str,
    code: str,
    next_possible: str,
) -> None:
    if clock_at is not None:
        clock.set(clock_at.replace(tzinfo=ASTANA))
    r = post_outcome(answered, callback(asked))
    assert r.status_code == 422
    assert r.json()["code"] == code
    assert r.json()["next_possible"] == next_possible
    assert list(r.json()["fields"]) == ["callback_at"]
    assert (CallOutcome.objects.count(), Callback.objects.count()) == (0, 0)
    assert audit_actions() == []


def test_a_callback_inside_the_hours_on_the_last_minute_is_accepted(
    answered: str, post_outcome: Post
) -> None:
    assert post_outcome(answered, callback("2026-03-17T17:59:00+05:00")).status_code == 201


def test_a_time_without_an_offset_is_422(answered: str, post_outcome: Post) -> None:
    r = post_outcome(answered, callback("2026-03-18T11:30:00"))
    assert r.status_code == 422
    assert list(r.json()["fields"]) == ["callback_at"]
    assert Callback.objects.count() == 0


def test_the_rule_is_a_pure_function() -> None:
    def is_open(t: datetime) -> bool:
        return 9 <= t.hour < 18

    def next_open(t: datetime) -> datetime:
        return t.replace(day=t.day + 1, hour=9, minute=0, second=0, microsecond=0)

    now = datetime(2026, 3, 17, 12, 7, 30, tzinfo=ASTANA)
    refusal = check_callback_time(now, now=now, is_open=is_open, next_open=next_open)
    assert refusal is not None
    assert (refusal.code, refusal.next_possible) == (
        "callback_in_past", datetime(2026, 3, 17, 12, 10, tzinfo=ASTANA)
    )  # fmt: skip
    later = datetime(2026, 3, 17, 12, 10, tzinfo=ASTANA)
    assert check_callback_time(later, now=now, is_open=is_open, next_open=next_open) is None
