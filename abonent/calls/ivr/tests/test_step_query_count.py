"""A step costs a handful of queries whatever the size of the menu (the tree, the schedules
and the calendar come from per-process snapshots): the token, the locked session, the step's
insert, the session's update — and, in a test, the savepoint around them; a reading adds
the cabinet's few."""

from __future__ import annotations

from typing import Any

from abonent.calls.ivr.tests.conftest import SINGLE
from abonent.calls.ivr.tests.fake_pbx import FakePbx

MENU_STEP = 6
READING_STEP = 12


def test_menu_and_information_steps_are_capped(
    pbx: FakePbx, django_assert_max_num_queries: Any
) -> None:
    pbx.dial()
    pbx.press("1")  # warms the snapshots and the token's last use
    with django_assert_max_num_queries(MENU_STEP):
        pbx.step("1")
    with django_assert_max_num_queries(MENU_STEP):
        pbx.step("2")  # office hours of every office
    with django_assert_max_num_queries(MENU_STEP):
        pbx.step("")
    with django_assert_max_num_queries(MENU_STEP):
        pbx.step("3")  # payment details


def test_reading_steps_are_capped(
    pbx: FakePbx, accounts: object, django_assert_max_num_queries: Any
) -> None:
    pbx.dial()
    pbx.press("1")
    pbx.press("2")
    with django_assert_max_num_queries(MENU_STEP + 1):
        pbx.step(SINGLE)
    with django_assert_max_num_queries(MENU_STEP):
        pbx.step("103")
    with django_assert_max_num_queries(READING_STEP):
        assert pbx.step("1").status == 200


def test_a_first_step_is_capped_too(pbx: FakePbx, django_assert_max_num_queries: Any) -> None:
    """On PostgreSQL the first step creates (or, for a retry, locks) its session in one
    statement; elsewhere ``get_or_create`` takes a look, a savepoint and an insert."""
    from django.db import connection

    pbx.dial()
    pbx.press("1")  # warms the snapshots and the token's last use
    pbx.session = f"{pbx.session}-2"
    pbx.seq = 0
    with django_assert_max_num_queries(MENU_STEP if connection.vendor == "postgresql" else 9):
        assert pbx.dial().status == 200
