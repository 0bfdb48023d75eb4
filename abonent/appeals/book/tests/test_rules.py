"""The book's pure rules: how a result reaches the writer (B-3, B-4, B-5, B-7, B-8)."""

from __future__ import annotations

import pytest

from abonent.appeals.book.models import Result
from abonent.appeals.book.rules import Writer, allowed_methods, answer_scan_expected

FULL = Writer(
    last_name="Иванов",
    postal_address="Астана, ул. Абая, 1",
    phone="+77011234567",
    email="i@example.kz",
)
POSTAL_ONLY = Writer(last_name="Иванов", postal_address="Астана, ул. Абая, 1")
EMAIL_ONLY = Writer(last_name="Иванов", email="i@example.kz")
PHONE_ONLY = Writer(phone="+77011234567")
NAMELESS_WITH_ADDRESS = Writer(postal_address="Астана, ул. Абая, 1", email="i@example.kz")
NOBODY = Writer()


def test_b7_a_refusal_goes_in_writing_when_a_written_answer_is_possible() -> None:
    assert allowed_methods(Result.REFUSED, FULL) == ("post", "email")
    assert allowed_methods(Result.REFUSED, POSTAL_ONLY) == ("post",)
    assert allowed_methods(Result.REFUSED, EMAIL_ONLY) == ("email",)


def test_b3_a_refusal_to_a_writer_with_only_a_phone_is_told_orally() -> None:
    assert allowed_methods(Result.REFUSED, PHONE_ONLY) == ("oral_phone",)


def test_b5_no_surname_or_no_address_means_no_written_answer() -> None:
    for result in Result.values:
        assert "post" not in allowed_methods(result, NAMELESS_WITH_ADDRESS)
        assert "email" not in allowed_methods(result, NAMELESS_WITH_ADDRESS)
    assert allowed_methods(Result.REFUSED, NOBODY) == ("book_record",)
    assert allowed_methods(Result.EXPLAINED, NOBODY) == ("book_record",)
    assert NAMELESS_WITH_ADDRESS.is_incomplete and NOBODY.is_incomplete
    assert Writer(last_name="Иванов").is_incomplete
    assert not POSTAL_ONLY.is_incomplete and not EMAIL_ONLY.is_incomplete


def test_b8_a_satisfied_entry_may_skip_the_written_answer() -> None:
    assert allowed_methods(Result.SATISFIED, FULL) == ("post", "email", "oral_phone", "book_record")
    assert allowed_methods(Result.SATISFIED, NOBODY) == ("book_record",)


@pytest.mark.parametrize("result", [Result.PARTIALLY_SATISFIED, Result.EXPLAINED])
def test_b3_a_writer_with_an_address_or_phone_is_answered_in_writing_or_orally(result: str) -> None:
    assert allowed_methods(result, FULL) == ("post", "email", "oral_phone")
    assert allowed_methods(result, PHONE_ONLY) == ("oral_phone",)
    assert "book_record" not in allowed_methods(result, POSTAL_ONLY)


def test_b4_an_entry_not_subject_to_consideration_may_be_recorded_only() -> None:
    assert "book_record" in allowed_methods(Result.NOT_SUBJECT, FULL)
    assert allowed_methods(Result.NOT_SUBJECT, NOBODY) == ("book_record",)


def test_an_unknown_result_allows_nothing() -> None:
    assert allowed_methods("approved", FULL) == ()


def test_b5_the_scan_of_the_answer_is_expected_only_for_considered_incomplete_entries() -> None:
    assert answer_scan_expected(result="satisfied", writer=NOBODY, has_answer_scan=False)
    assert answer_scan_expected(
        result="refused", writer=NAMELESS_WITH_ADDRESS, has_answer_scan=False
    )
    assert not answer_scan_expected(result="satisfied", writer=NOBODY, has_answer_scan=True)
    assert not answer_scan_expected(result="", writer=NOBODY, has_answer_scan=False)
    assert not answer_scan_expected(result="not_subject", writer=NOBODY, has_answer_scan=False)
    assert not answer_scan_expected(result="satisfied", writer=FULL, has_answer_scan=False)
