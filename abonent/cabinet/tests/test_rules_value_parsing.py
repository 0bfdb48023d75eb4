"""PC-1: what a typed reading may look like (letters, signs, decimals, digits)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from abonent.cabinet.rules import (
    Code,
    History,
    MeterFacts,
    Outcome,
    OutsideRule,
    Window,
    check_reading,
    parse_value,
)

TODAY = date(2026, 3, 10)
WINDOW = Window(1, 25)


def verdict(text: str, digits: int = 5, decimals: int = 0):  # type: ignore[no-untyped-def]
    return check_reading(
        text,
        MeterFacts(digits=digits, decimals=decimals),
        None,
        History(),
        TODAY,
        WINDOW,
        OutsideRule.REFUSE,
    )


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(digits=st.integers(1, 12), data=st.data())
def test_every_whole_number_the_register_can_show_is_accepted(
    digits: int, data: st.DataObject
) -> None:
    n = data.draw(st.integers(0, 10**digits - 1))
    result = verdict(str(n), digits=digits)
    assert result.outcome == Outcome.ACCEPTED
    assert result.value == Decimal(n)


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(digits=st.integers(1, 12), data=st.data())
def test_leading_zeros_as_on_the_register_are_fine(digits: int, data: st.DataObject) -> None:
    n = data.draw(st.integers(0, 10**digits - 1))
    assert parse_value(str(n).zfill(digits + 2), digits=digits, decimals=0) == Decimal(n)


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(digits=st.integers(1, 12), data=st.data())
def test_more_digits_than_the_register_has_are_refused(digits: int, data: st.DataObject) -> None:
    n = data.draw(st.integers(10**digits, 10**40))
    assert verdict(str(n), digits=digits).code == Code.TOO_MANY_DIGITS


def test_an_absurdly_long_number_is_too_many_digits() -> None:
    assert verdict("9" * 5000).code == Code.TOO_MANY_DIGITS


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.text(min_size=1, max_size=20).filter(lambda s: any(c.isalpha() for c in s)))
def test_text_with_letters_is_not_a_number(text: str) -> None:
    assert verdict(text).code == Code.NOT_A_NUMBER
    assert verdict("-" + text).code == Code.NOT_A_NUMBER


def test_forms_that_are_not_plain_numbers_are_refused() -> None:
    for text in [
        "",
        "  ",
        "12a",
        "1e5",
        "1.2.3",
        "+5",
        "0x10",
        "١٢٣",
        "12 345",
        "1_000",
        "-",
        "NaN",
        "inf",
    ]:
        result = verdict(text)
        assert (result.outcome, result.code) == (Outcome.REFUSED, Code.NOT_A_NUMBER), text


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(1, 10**5 - 1))
def test_negative_values_are_refused(n: int) -> None:
    assert verdict(f"-{n}").code == Code.NEGATIVE
    assert verdict(f" - {n}").code == Code.NEGATIVE


def test_minus_zero_is_zero() -> None:
    assert verdict("-0").value == Decimal(0)


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(0, 99999), st.integers(1, 999).filter(lambda f: f % 10))
def test_decimals_where_the_meter_has_none_are_refused(whole: int, frac: int) -> None:
    assert verdict(f"{whole}.{frac}").code == Code.TOO_MANY_DECIMALS
    assert verdict(f"{whole},{frac}").code == Code.TOO_MANY_DECIMALS


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(0, 99999), st.integers(1, 4))
def test_trailing_zeros_after_the_point_are_not_decimals(whole: int, zeros: int) -> None:
    result = verdict(f"{whole}." + "0" * zeros)
    assert result.outcome == Outcome.ACCEPTED
    assert result.value == Decimal(whole)


@settings(deadline=None)  # no timing in tests: the machine is shared
@given(st.integers(0, 99999), st.integers(0, 999))
def test_a_meter_with_three_decimals_takes_them_with_point_or_comma(whole: int, frac: int) -> None:
    text = f"{whole}.{frac:03d}"
    expected = Decimal(text)
    assert verdict(text, decimals=3).value == expected
    assert verdict(text.replace(".", ","), decimals=3).value == expected
    assert verdict(f"{whole}.{frac:03d}1", decimals=3).code == Code.TOO_MANY_DECIMALS


def test_values_keep_the_meters_precision() -> None:
    assert str(verdict("12.5", decimals=2).value) == "12.50"
    assert str(verdict("12", decimals=0).value) == "12"
    assert str(verdict(" 7 ", decimals=1).value) == "7.0"
