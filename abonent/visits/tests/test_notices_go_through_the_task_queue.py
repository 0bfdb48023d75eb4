"""V-1: the notice (SMS and e-mail) is written in the planning transaction and sent by the
worker; it carries the visit's code (never stored in clear); a failure is kept and retried;
a rolled-back planning sends nothing; the letter waits to be printed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from abonent.visits import rules
from abonent.visits.models import NoticeStatus, Visit, VisitNotice
from abonent.visits.tasks import send_visit_notice
from abonent.visits.tests.conftest import NEXT_TUESDAY, code_of, plan

pytestmark = pytest.mark.django_db(transaction=True)
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


def test_sms_and_email_carry_the_code_and_are_marked_sent(demo, clock, tmp_path: Path) -> None:
    with override_settings(ABONENT_SMS_BACKEND="file", ABONENT_SMS_DIR=tmp_path, MAILERS=LOCMEM):
        visit = plan(NEXT_TUESDAY)
        _run_worker()
        code = rules.display_code(code_of(visit))
        [sms_file] = list(tmp_path.glob("*.json"))
        sms = json.loads(sms_file.read_text())
        assert sms["to"] == "+77019998877"
        assert code in sms["text"]
        assert "01.12.2026" in sms["text"] and "10:00" in sms["text"] and "12:00" in sms["text"]
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["zhanna@example.kz"]
        assert code in mail.outbox[0].body
    sms_notice = VisitNotice.objects.get(visit=visit, channel="sms")
    assert sms_notice.status == NoticeStatus.SENT
    assert sms_notice.attempts == 1
    assert sms_notice.provider_id == sms["id"]
    assert VisitNotice.objects.get(visit=visit, channel="email").status == NoticeStatus.SENT
    letter = VisitNotice.objects.get(visit=visit, channel="letter")
    assert letter.status == NoticeStatus.QUEUED  # printed by staff
    # the code itself is nowhere in the database
    stored = json.dumps(list(Visit.objects.values()), default=str)
    assert code_of(visit) not in stored


def test_a_failed_sms_is_kept_with_its_error_and_retried_later(demo, clock) -> None:
    with override_settings(
        ABONENT_SMS_BACKEND="http",
        ABONENT_SMS_GATEWAY_URL="http://127.0.0.1:9/send",  # nobody listens there
        MAILERS=LOCMEM,
    ):
        visit = plan(NEXT_TUESDAY)
        notice = VisitNotice.objects.get(visit=visit, channel="sms")
        assert send_visit_notice.call(notice_id=notice.pk) == "failed"
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED
    assert notice.attempts == 1
    assert not notice.gave_up
    assert "SmsError" in notice.last_error
    retry = DBTaskResult.objects.filter(task_path__endswith="send_visit_notice", status="READY")
    # the two first sends (not run by a worker here) and one retry, five minutes ahead
    assert retry.count() == 3
    soon = timezone.now() + timedelta(minutes=4)
    assert retry.filter(run_after__gt=soon, run_after__lt=soon + timedelta(minutes=2)).count() == 1


def test_nothing_is_queued_for_a_rolled_back_planning(demo, clock) -> None:
    from django.db import transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        plan(NEXT_TUESDAY)
        raise Boom
    assert Visit.objects.count() == 0
    assert VisitNotice.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
