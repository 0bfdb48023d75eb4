"""Mail goes through the task queue to a real SMTP server (aiosmtpd); nothing is sent for a
rolled-back change; failures are kept, visible and retried."""

from __future__ import annotations

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from abonent.notify.models import OutgoingMessage, OutgoingStatus
from abonent.notify.services import queue_email
from conftest import Inbox, _free_port, _smtp_mailer

pytestmark = pytest.mark.django_db(transaction=True)


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)


def test_a_queued_mail_reaches_the_smtp_server_after_commit(smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp
    with transaction.atomic():
        msg = queue_email(
            to="consumer@example.kz",
            subject="Талон № 2026-00001",
            body="Сіздің өтінішіңіз тіркелді.",
            language="kk",
        )
    _run_worker()
    msg.refresh_from_db()
    assert msg.status == OutgoingStatus.SENT
    assert msg.attempts == 1
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["consumer@example.kz"]
    parsed = message_from_bytes(envelope.content)
    assert str(make_header(decode_header(parsed["Subject"]))) == "Талон № 2026-00001"
    assert "Сіздің өтінішіңіз тіркелді." in parsed.get_payload(decode=True).decode()


def test_nothing_is_sent_for_a_rolled_back_change(smtp: tuple[Inbox, int]) -> None:
    inbox, _ = smtp

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        queue_email(to="consumer@example.kz", subject="s", body="b")
        raise Boom
    _run_worker()
    assert OutgoingMessage.objects.count() == 0
    assert DBTaskResult.objects.count() == 0
    assert inbox.messages == []


def test_a_failed_send_is_recorded_and_retried_later() -> None:
    port = _free_port()  # nobody listens there
    with override_settings(MAILERS=_smtp_mailer(port)):
        with transaction.atomic():
            msg = queue_email(to="consumer@example.kz", subject="s", body="b")
        _run_worker()
    msg.refresh_from_db()
    assert msg.status == OutgoingStatus.FAILED
    assert msg.attempts == 1
    assert "ConnectionRefusedError" in msg.last_error
    # the retry waits in the queue for later
    assert DBTaskResult.objects.filter(status="READY").count() == 1
