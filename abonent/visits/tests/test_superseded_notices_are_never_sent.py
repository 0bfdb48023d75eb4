"""V-2: when the time changes (or the visit is cancelled), notices of the old time that have
not gone out are kept but marked "not sent: the time changed" — including an SMS whose first
attempt failed (the worker would otherwise retry it with the old time) and a letter not yet
printed (it would be printed with the old time). The board's failed list and letters to
print show only what still matters."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from abonent.visits import queries, services
from abonent.visits.models import Channel, NoticeKind, NoticeStatus, VisitNotice
from abonent.visits.notices import deliver
from abonent.visits.tests.conftest import NEXT_TUESDAY, plan

pytestmark = pytest.mark.django_db

DOWN = {"ABONENT_SMS_BACKEND": "http", "ABONENT_SMS_GATEWAY_URL": "http://127.0.0.1:9/send"}


def _head():
    return get_user_model().objects.get(username="head")


def _fail_sms_once(visit) -> VisitNotice:
    sms = VisitNotice.objects.get(visit=visit, channel=Channel.SMS, kind=NoticeKind.PLANNED)
    with override_settings(**DOWN):
        assert deliver(sms.pk) == (NoticeStatus.FAILED, True)
    return sms


def test_a_change_of_time_supersedes_a_retrying_sms_and_an_unprinted_letter(
    demo, clock, tmp_path
) -> None:
    visit = plan(NEXT_TUESDAY)
    sms = _fail_sms_once(visit)
    assert [n.pk for n in queries.notices("failed")] == [sms.pk]
    services.reschedule_visit(
        visit=visit,
        starts_at=NEXT_TUESDAY.replace(hour=14),
        ends_at=NEXT_TUESDAY.replace(hour=16),
        actor=_head(),
    )
    old = VisitNotice.objects.filter(visit=visit, kind=NoticeKind.PLANNED)
    assert {n.channel: n.status for n in old} == {
        Channel.SMS: NoticeStatus.SUPERSEDED,
        Channel.EMAIL: NoticeStatus.SUPERSEDED,
        Channel.LETTER: NoticeStatus.SUPERSEDED,
    }
    # the worker's retry of the old-time SMS sends nothing
    with override_settings(ABONENT_SMS_BACKEND="file", ABONENT_SMS_DIR=tmp_path):
        assert deliver(sms.pk) == (NoticeStatus.SUPERSEDED, False)
    assert list(tmp_path.glob("*.json")) == []
    sms.refresh_from_db()
    assert sms.attempts == 1
    assert list(queries.notices("failed")) == []
    assert list(queries.letters_to_print()) == []
    changed = VisitNotice.objects.filter(visit=visit, kind=NoticeKind.CHANGED)
    assert sorted(n.channel for n in changed) == [Channel.EMAIL, Channel.SMS]
    assert {n.status for n in changed} == {NoticeStatus.QUEUED}


def test_cancelling_supersedes_a_retrying_sms_and_an_unprinted_letter(
    demo, clock, tmp_path
) -> None:
    visit = plan(NEXT_TUESDAY)
    sms = _fail_sms_once(visit)
    services.cancel_visit(visit=visit, reason="Потребитель отказался", actor=_head())
    statuses = set(VisitNotice.objects.filter(visit=visit).values_list("status", flat=True))
    assert statuses == {NoticeStatus.SUPERSEDED}
    with override_settings(ABONENT_SMS_BACKEND="file", ABONENT_SMS_DIR=tmp_path):
        assert deliver(sms.pk) == (NoticeStatus.SUPERSEDED, False)
    assert list(tmp_path.glob("*.json")) == []
    assert list(queries.letters_to_print()) == []
    assert list(queries.notices("failed")) == []


def test_a_given_up_notice_of_the_current_time_stays_on_the_failed_list(demo, clock) -> None:
    visit = plan(NEXT_TUESDAY)
    sms = VisitNotice.objects.get(visit=visit, channel=Channel.SMS)
    VisitNotice.objects.filter(pk=sms.pk).update(status=NoticeStatus.FAILED, gave_up=True)
    assert [n.pk for n in queries.notices("failed")] == [sms.pk]
