"""The supervisor's IVR figures: calls per outcome in a period of Astana days, readings
taken, and the self-service share — in one query."""

from __future__ import annotations

from datetime import date
from typing import Any

from abonent.calls.ivr.stats import ivr_stats
from abonent.calls.ivr.tests.conftest import SINGLE
from abonent.calls.ivr.tests.fake_pbx import FakePbx


def test_outcomes_and_readings_are_counted(
    new_call: Any, accounts: object, django_assert_max_num_queries: Any
) -> None:
    served: FakePbx = new_call("A")
    served.dial()
    served.press("1")
    served.press("2")
    served.press(SINGLE)
    served.press("103")
    served.press("1")
    served.hang_up()
    transferred: FakePbx = new_call("B")
    transferred.dial()
    transferred.press("1")
    transferred.press("0")
    abandoned: FakePbx = new_call("C")
    abandoned.dial()
    abandoned.hang_up()
    new_call("D").dial()

    with django_assert_max_num_queries(3):  # outcomes, the nodes passed, where hung up
        found = ivr_stats(date(2026, 3, 17), date(2026, 3, 17))
    assert (
        found.sessions,
        found.self_served,
        found.transferred,
        found.abandoned,
        found.in_progress,
        found.readings_accepted,
    ) == (4, 1, 1, 1, 1, 1)
    assert found.self_service_share == round(1 / 3, 4)
    assert found.abandoned_at == {"root": 1}  # C hung up at the language choice
    assert found.nodes == {"main": 4, "reading": 3, "root": 7}  # steps logged per node
    assert ivr_stats(date(2026, 3, 18), date(2026, 3, 18)).sessions == 0
