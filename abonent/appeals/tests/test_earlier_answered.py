"""The registration's look-up of the applicant's answered appeals (C-6: a repeat without new
arguments), by e-mail, phone or organisation — each contact on its own, newest first, every
appeal once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from abonent.appeals.models import Appeal, Status
from abonent.appeals.services import AppealInput, _earlier_answered, register_appeal

pytestmark = pytest.mark.django_db

TEXT = "Прошу сделать перерасчёт начислений за горячую воду за октябрь, показания передавал."


def _input(**contacts: str) -> AppealInput:
    return AppealInput(
        channel="post",
        kind="complaint",
        applicant_type="individual",
        last_name="Иванов",
        first_name="Иван",
        text=TEXT,
        **contacts,
    )


def _answered(**contacts: str) -> Appeal:
    appeal = register_appeal(data=_input(**contacts), actor=None)
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.ANSWERED)
    return appeal


def test_found_by_each_contact_alone_and_once_when_several_match(demo: None) -> None:
    by_mail = _answered(email="a@example.kz")
    by_phone = _answered(phone="+77011112233")
    both = _answered(email="a@example.kz", phone="+77011112233")
    _answered(email="other@example.kz", phone="+77019998877")
    found = _earlier_answered(_input(email="a@example.kz", phone="+77011112233"))
    assert list(found) == [both.pk, by_phone.pk, by_mail.pk]  # newest first, each once
    assert found[both.pk] == TEXT
    assert list(_earlier_answered(_input(phone="+77011112233"))) == [both.pk, by_phone.pk]


def test_only_answered_appeals_and_no_query_without_contacts(demo: None) -> None:
    register_appeal(data=_input(email="b@example.kz"), actor=None)  # still open
    assert _earlier_answered(_input(email="b@example.kz")) == {}
    with CaptureQueriesContext(connection) as queries:
        assert _earlier_answered(_input()) == {}
    assert len(queries) == 0


def test_an_organisation_is_found_by_its_name(demo: None) -> None:
    org = replace(_input(), applicant_type="legal", org_name="ТОО «Свет»", phone="+77015550000")
    first = register_appeal(data=org, actor=None)
    Appeal.objects.filter(pk=first.pk).update(status=Status.ANSWERED)
    assert list(_earlier_answered(replace(org, phone=""))) == [first.pk]


def test_the_newest_twenty_at_most(demo: None) -> None:
    made = [_answered(email="c@example.kz").pk for _ in range(22)]
    assert list(_earlier_answered(_input(email="c@example.kz"))) == made[::-1][:20]


def test_a_repeat_without_new_arguments_is_suggested_as_such(demo: None) -> None:
    _answered(phone="+77014445566")
    repeat = register_appeal(data=_input(phone="+77014445566"), actor=None)
    fresh = register_appeal(data=_input(phone="+77010000009"), actor=None)
    assert "repeated_no_new_arguments" in repeat.suggested_reasons
    assert "repeated_no_new_arguments" not in fresh.suggested_reasons
