"""D-4: reminders before the due date, overdue flags to heads, once a day."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.appeals.models import Appeal
from abonent.appeals.reminders import send_reminders
from abonent.appeals.tests.helpers import appeal_body, post
from abonent.notify.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def test_executors_are_reminded_and_heads_see_overdue_once_a_day(
    demo: None, client: Client, token_for
) -> None:
    User = get_user_model()
    User.objects.filter(username="executor").update(email="executor@aes.kz")
    User.objects.filter(username="head").update(email="head@aes.kz")
    tok = token_for("chancellery")
    ids = []
    for received in ("2026-10-01T10:00:00+05:00", "2026-11-20T10:00:00+05:00"):
        r = post(client, "/api/v1/appeals", appeal_body(channel="post", received_at=received), tok)
        ids.append(r.json()["id"])
        post(
            client,
            f"/api/v1/appeals/{ids[-1]}/assign",
            {"department": "sales", "executor": "executor"},
            tok,
        )
    OutgoingMessage.objects.all().delete()
    # 2026-12-09: the first (due 2026-10-22) is overdue; the second (due 2026-12-11) is near
    sent = send_reminders(today=date(2026, 12, 9))
    assert (sent.reminders, sent.overdue_flags) == (1, 1)
    mails = {m.to: m for m in OutgoingMessage.objects.all()}
    second = Appeal.objects.get(pk=ids[1]).incoming_number
    first = Appeal.objects.get(pk=ids[0]).incoming_number
    assert second in mails["executor@aes.kz"].body and first not in mails["executor@aes.kz"].body
    assert first in mails["head@aes.kz"].body
    again = send_reminders(today=date(2026, 12, 9))
    assert (again.reminders, again.overdue_flags) == (0, 0)
    assert OutgoingMessage.objects.count() == 2
