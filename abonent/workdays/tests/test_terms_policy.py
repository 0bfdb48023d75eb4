"""Terms policies: the procedure's default and the АППК art. 76 variant, with exact dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from abonent.workdays.calendar import CalendarRangeError, Override, Term, WorkCalendar
from abonent.workdays.terms import (
    APPK,
    POLICIES,
    PROCEDURE,
    ExtensionNotAllowedError,
    ExtensionTooLongError,
    TermsPolicy,
    consideration_term,
    extend_term,
    extension_limit,
    extension_notice_term,
    get_policy,
)

ALMATY = ZoneInfo("Asia/Almaty")
CAL = WorkCalendar()
BOTH = pytest.mark.parametrize("policy", [PROCEDURE, APPK], ids=["procedure", "appk"])


def fixed(d: date) -> Term:
    return Term(due=d, unadjusted_due=d)


# --------------------------------------------------------------------------- registry


def test_policies_are_registered_under_their_codes() -> None:
    assert POLICIES == {"procedure": PROCEDURE, "appk": APPK}
    assert all(code == policy.code for code, policy in POLICIES.items())
    assert get_policy("procedure") is PROCEDURE
    assert get_policy("appk") is APPK


def test_unknown_policy_code_names_the_valid_ones() -> None:
    with pytest.raises(
        ValueError, match=r"unknown terms policy 'art76'; valid codes: appk, procedure"
    ):
        get_policy("art76")


def test_policy_values() -> None:
    assert (
        TermsPolicy(
            code="procedure",
            consideration_working_days=15,
            external_info_calendar_days=30,
            max_extension_days=30,
            max_extension_months=None,
            extensions_allowed=1,
            notice_days=3,
            notice_in_working_days=False,
        )
        == PROCEDURE
    )
    assert (
        TermsPolicy(
            code="appk",
            consideration_working_days=15,
            external_info_calendar_days=30,
            max_extension_days=None,
            max_extension_months=2,
            extensions_allowed=1,
            notice_days=3,
            notice_in_working_days=True,
        )
        == APPK
    )


def test_policy_needs_exactly_one_extension_limit() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        replace(PROCEDURE, max_extension_months=2)
    with pytest.raises(ValueError, match="exactly one"):
        replace(APPK, max_extension_months=None)


def test_policy_rejects_non_positive_terms() -> None:
    with pytest.raises(ValueError):
        replace(PROCEDURE, consideration_working_days=0)
    with pytest.raises(ValueError):
        replace(PROCEDURE, notice_days=0)
    with pytest.raises(ValueError):
        replace(PROCEDURE, extensions_allowed=-1)


# --------------------------------------------------------------------------- consideration


@BOTH
def test_consideration_is_fifteen_working_days_after_registration_across_nauryz(
    policy: TermsPolicy,
) -> None:
    term = consideration_term(
        policy,
        CAL,
        registered_on=date(2025, 3, 17),
        received_on=date(2025, 3, 17),
        needs_external_info=False,
    )
    assert term == fixed(date(2025, 4, 10))


@BOTH
def test_consideration_counts_from_registration_not_receipt(policy: TermsPolicy) -> None:
    received_at = datetime(2025, 3, 14, 19, 0, tzinfo=ALMATY)  # Friday evening
    registered = CAL.registration_date(received_at)
    assert registered == date(2025, 3, 17)
    term = consideration_term(
        policy,
        CAL,
        registered_on=registered,
        received_on=received_at.date(),
        needs_external_info=False,
    )
    assert term == fixed(date(2025, 4, 10))


@BOTH
def test_external_info_term_is_thirty_calendar_days_from_receipt_moved_off_sunday(
    policy: TermsPolicy,
) -> None:
    term = consideration_term(
        policy,
        CAL,
        registered_on=date(2025, 3, 17),
        received_on=date(2025, 3, 14),
        needs_external_info=True,
    )
    assert term == Term(due=date(2025, 4, 14), unadjusted_due=date(2025, 4, 13))


@BOTH
def test_external_info_term_landing_on_nauryz_2024_moves_past_the_carry_over(
    policy: TermsPolicy,
) -> None:
    term = consideration_term(
        policy,
        CAL,
        registered_on=date(2024, 2, 20),
        received_on=date(2024, 2, 20),
        needs_external_info=True,
    )
    assert term == Term(due=date(2024, 3, 26), unadjusted_due=date(2024, 3, 21))


@BOTH
def test_consideration_over_may_2024_counts_the_working_saturday(policy: TermsPolicy) -> None:
    term = consideration_term(
        policy,
        CAL,
        registered_on=date(2024, 4, 30),
        received_on=date(2024, 4, 30),
        needs_external_info=False,
    )
    assert term == fixed(date(2024, 5, 24))


def test_consideration_honours_calendar_overrides() -> None:
    cal = WorkCalendar([Override(date(2025, 4, 10), working=False, basis="Order No. 7")])
    term = consideration_term(
        PROCEDURE,
        cal,
        registered_on=date(2025, 3, 17),
        received_on=date(2025, 3, 17),
        needs_external_info=False,
    )
    assert term == fixed(date(2025, 4, 11))


def test_registration_before_receipt_is_refused() -> None:
    with pytest.raises(ValueError, match="before it was received"):
        consideration_term(
            PROCEDURE,
            CAL,
            registered_on=date(2025, 3, 16),
            received_on=date(2025, 3, 17),
            needs_external_info=False,
        )


# --------------------------------------------------------------------------- procedure extension


def test_procedure_extension_limit_is_thirty_calendar_days() -> None:
    assert extension_limit(PROCEDURE, date(2025, 4, 14)) == date(2025, 5, 14)
    assert extension_limit(PROCEDURE, date(2025, 1, 31)) == date(2025, 3, 2)


def test_procedure_extension_by_thirty_days_is_allowed() -> None:
    assert extend_term(PROCEDURE, CAL, current_due=date(2025, 4, 14), days=30) == fixed(
        date(2025, 5, 14)
    )


def test_procedure_extension_landing_on_a_holiday_is_moved() -> None:
    assert extend_term(PROCEDURE, CAL, current_due=date(2025, 4, 10), days=21) == Term(
        due=date(2025, 5, 2), unadjusted_due=date(2025, 5, 1)
    )


def test_procedure_full_extension_landing_on_sunday_moves_past_the_limit() -> None:
    # The limit bounds the unmoved date; the usual move to a working day still applies.
    assert extension_limit(PROCEDURE, date(2025, 5, 2)) == date(2025, 6, 1)
    assert extend_term(PROCEDURE, CAL, current_due=date(2025, 5, 2), days=30) == Term(
        due=date(2025, 6, 2), unadjusted_due=date(2025, 6, 1)
    )


def test_procedure_extension_beyond_thirty_days_is_refused() -> None:
    with pytest.raises(ExtensionTooLongError, match="limit of 30 days"):
        extend_term(PROCEDURE, CAL, current_due=date(2025, 4, 14), days=31)


@BOTH
@pytest.mark.parametrize("days", [0, -1])
def test_non_positive_extension_is_refused(policy: TermsPolicy, days: int) -> None:
    with pytest.raises(ExtensionTooLongError):
        extend_term(policy, CAL, current_due=date(2025, 4, 14), days=days)


@BOTH
def test_only_one_extension_is_allowed(policy: TermsPolicy) -> None:
    extended = extend_term(policy, CAL, current_due=date(2025, 4, 14), days=10, extensions_used=0)
    assert extended == fixed(date(2025, 4, 24))
    with pytest.raises(ExtensionNotAllowedError):
        extend_term(policy, CAL, current_due=extended.due, days=10, extensions_used=1)


def test_procedure_notice_is_three_calendar_days_moved_off_nauryz() -> None:
    assert extension_notice_term(PROCEDURE, CAL, decided_on=date(2025, 3, 20)) == Term(
        due=date(2025, 3, 26), unadjusted_due=date(2025, 3, 23)
    )


def test_procedure_notice_on_a_working_day_is_not_moved() -> None:
    assert extension_notice_term(PROCEDURE, CAL, decided_on=date(2025, 6, 2)) == fixed(
        date(2025, 6, 5)
    )


# --------------------------------------------------------------------------- АППК extension


def test_appk_extension_limit_is_two_calendar_months() -> None:
    assert extension_limit(APPK, date(2025, 4, 14)) == date(2025, 6, 14)
    assert extension_limit(APPK, date(2025, 8, 31)) == date(2025, 10, 31)
    assert extension_limit(APPK, date(2025, 11, 15)) == date(2026, 1, 15)


def test_appk_extension_limit_clamps_to_the_end_of_a_shorter_month() -> None:
    assert extension_limit(APPK, date(2025, 12, 31)) == date(2026, 2, 28)
    assert extension_limit(APPK, date(2023, 12, 31)) == date(2024, 2, 29)
    assert extension_limit(APPK, date(2024, 12, 30)) == date(2025, 2, 28)
    assert extension_limit(APPK, date(2025, 7, 31)) == date(2025, 9, 30)


def test_appk_two_months_is_not_sixty_days() -> None:
    # July + August: 62 days are within two months (1 September 2025 is the carried-over
    # Constitution Day, so the term moves to the 2nd).
    assert extend_term(APPK, CAL, current_due=date(2025, 7, 1), days=62) == Term(
        due=date(2025, 9, 2), unadjusted_due=date(2025, 9, 1)
    )
    # January + February 2026: only 59 days.
    assert extend_term(APPK, CAL, current_due=date(2026, 1, 1), days=59) == Term(
        due=date(2026, 3, 2), unadjusted_due=date(2026, 3, 1)
    )
    with pytest.raises(ExtensionTooLongError, match="limit of 59 days"):
        extend_term(APPK, CAL, current_due=date(2026, 1, 1), days=60)


def test_appk_full_extension_landing_on_saturday_moves_to_monday() -> None:
    assert extend_term(APPK, CAL, current_due=date(2025, 4, 14), days=61) == Term(
        due=date(2025, 6, 16), unadjusted_due=date(2025, 6, 14)
    )
    with pytest.raises(ExtensionTooLongError):
        extend_term(APPK, CAL, current_due=date(2025, 4, 14), days=62)


def test_appk_notice_is_three_working_days_across_nauryz() -> None:
    assert extension_notice_term(APPK, CAL, decided_on=date(2025, 3, 20)) == fixed(
        date(2025, 3, 28)
    )


def test_appk_notice_counts_the_working_saturday_of_may_2024() -> None:
    assert extension_notice_term(APPK, CAL, decided_on=date(2024, 5, 3)) == fixed(date(2024, 5, 10))


def test_appk_notice_decided_on_a_weekend_counts_from_the_next_working_day() -> None:
    assert extension_notice_term(APPK, CAL, decided_on=date(2025, 6, 14)) == fixed(
        date(2025, 6, 18)
    )


# --------------------------------------------------------------------------- limits


@BOTH
def test_extension_limit_outside_the_supported_range_is_refused(policy: TermsPolicy) -> None:
    with pytest.raises(CalendarRangeError):
        extension_limit(policy, date(2100, 12, 15))
    with pytest.raises(CalendarRangeError):
        extension_limit(policy, date(1999, 12, 31))
