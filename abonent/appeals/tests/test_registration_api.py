"""POST /api/v1/appeals: public web form and staff intake (K-2..K-4, C-4..C-6, D-1, W-6)."""

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from abonent.appeals.models import Appeal, JournalCounter
from abonent.appeals.tasks import send_receipts
from abonent.appeals.tests.helpers import PERSON, TEXT, appeal_body, post
from abonent.core.models import AuditEntry
from abonent.notify.models import OutgoingMessage

pytestmark = pytest.mark.django_db


def test_the_public_form_registers_with_number_terms_and_code(
    demo: None, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        r = post(client, "/api/v1/appeals", appeal_body())
    assert r.status_code == 201
    body = r.json()
    appeal = Appeal.objects.get()
    assert body["incoming_number"] == appeal.incoming_number == f"{appeal.year}-{appeal.seq:06d}"
    assert "/" not in body["incoming_number"]
    assert body["status"] == "registered"
    assert body["language"] == "ru"
    assert len(body["access_code"]) == 8
    assert body["admissibility"] == {"decision": "accepted", "reasons": []}
    assert appeal.registered_by is None and appeal.channel == "web"
    # the receipt goes by e-mail, with its PDF, in the appeal's language: the appeal is
    # marked, and after the commit a task (due a second later) is queued to write it
    assert appeal.receipt_pending
    [queued] = DBTaskResult.objects.filter(task_path__endswith="send_receipts")
    assert queued.run_after is not None and queued.run_after > queued.enqueued_at
    assert send_receipts.call() == 1
    assert send_receipts.call() == 0  # written once
    appeal.refresh_from_db()
    assert not appeal.receipt_pending
    msg = OutgoingMessage.objects.get()
    assert msg.to == "ivan@example.kz" and msg.language == "ru"
    assert msg.subject == f"Ваше обращение зарегистрировано под № {appeal.incoming_number}"
    assert appeal.access_code in msg.body and appeal.due_date.strftime("%d.%m.%Y") in msg.body
    assert msg.attachments == [
        {"render": "abonent.appeals.documents.receipt_attachment", "id": appeal.pk}
    ]
    assert AuditEntry.objects.for_object(appeal).get().action == "appeal.registered"


@pytest.mark.parametrize(
    ("applicant", "field"),
    [
        ({**PERSON, "last_name": ""}, "applicant.last_name"),
        ({"type": "individual", "last_name": "Иванов", "first_name": "Иван"}, "applicant.email"),
        ({"type": "anonymous"}, "applicant.type"),
        (
            {
                "type": "legal_entity",
                "org_name": "ТОО Ромашка",
                "email": "a@b.kz",
                "phone": "+77011234567",
                "outgoing_number": "12",
                "outgoing_date": "2026-11-20",
            },
            "applicant.signed",
        ),
    ],
)
def test_the_public_form_refuses_incomplete_applicants(
    demo: None, client: Client, applicant: dict, field: str
) -> None:
    r = post(client, "/api/v1/appeals", appeal_body(applicant=applicant))
    assert r.status_code == 422
    assert r.json()["code"] == "missing_fields"
    assert field in r.json()["fields"]
    assert Appeal.objects.count() == 0 and JournalCounter.objects.count() == 0


@pytest.mark.parametrize(
    ("over", "status"),
    [
        ({"text": ""}, 422),
        ({"text": "x" * 20_001}, 422),
        ({"kind": "wish"}, 422),
        ({"channel": "post"}, 403),
        ({"applicant": {**PERSON, "email": "not-an-email"}}, 422),
        ({"applicant": {**PERSON, "phone": "call me maybe"}}, 422),
        ({"topic": 9}, 422),
        ({"language": "en"}, 422),
    ],
)
def test_bad_public_input_is_refused_and_nothing_is_stored(
    demo: None, client: Client, over: dict, status: int
) -> None:
    r = post(client, "/api/v1/appeals", appeal_body(**over))
    assert r.status_code == status
    assert "code" in r.json()
    assert Appeal.objects.count() == 0


def test_a_megabyte_body_is_refused(demo: None, client: Client) -> None:
    r = post(client, "/api/v1/appeals", appeal_body(text="я" * 600_000))
    assert r.status_code in (413, 422)
    assert Appeal.objects.count() == 0


def test_staff_register_whatever_arrived_and_the_rules_decide(
    demo: None, client: Client, token_for
) -> None:
    token = token_for("chancellery")
    r = post(
        client,
        "/api/v1/appeals",
        {
            "channel": "post",
            "kind": "complaint",
            "applicant": {"type": "anonymous"},
            "text": TEXT,
            "received_at": "2026-11-20T10:00:00+05:00",
        },
        token,
    )
    assert r.status_code == 201
    body = r.json()
    assert body["admissibility"] == {
        "decision": "not_considered",
        "reasons": ["anonymous", "no_contact_details"],
    }
    assert body["registered_on"] == "2026-11-20"
    assert body["due_date"] == "2026-12-11"  # 15 working days
    appeal = Appeal.objects.get()
    assert appeal.registered_by.username == "chancellery"


def test_after_hours_registration_moves_to_the_next_working_day(
    demo: None, client: Client, token_for
) -> None:
    r = post(
        client,
        "/api/v1/appeals",
        appeal_body(channel="email", received_at="2026-11-20T18:30:00+05:00"),
        token_for("chancellery"),
    )
    body = r.json()
    assert body["received_at"] == "2026-11-20T18:30:00+05:00"  # the receipt time stays
    assert body["registered_on"] == "2026-11-23"  # Friday evening → Monday
    assert body["due_date"] == "2026-12-14"


def test_a_future_received_date_is_refused(demo: None, client: Client, token_for) -> None:
    r = post(
        client,
        "/api/v1/appeals",
        appeal_body(channel="post", received_at="2099-01-01T10:00:00+05:00"),
        token_for("chancellery"),
    )
    assert r.status_code == 422 and r.json()["code"] == "future_received_at"
    assert Appeal.objects.count() == 0


def test_needing_external_information_gives_30_calendar_days_from_receipt(
    demo: None, client: Client, token_for
) -> None:
    r = post(
        client,
        "/api/v1/appeals",
        appeal_body(
            channel="post", received_at="2026-10-29T11:00:00+05:00", needs_external_info=True
        ),
        token_for("chancellery"),
    )
    assert r.json()["due_date"] == "2026-11-30"  # 28 Nov is a Saturday


def test_kazakh_appeals_are_detected_and_kept_in_kazakh(demo: None, client: Client) -> None:
    r = post(
        client,
        "/api/v1/appeals",
        appeal_body(text="Қазан айындағы ыстық су үшін есептеуді қайта қарауды сұраймын."),
    )
    assert r.json()["language"] == "kk"
    send_receipts.call()
    msg = OutgoingMessage.objects.get()
    assert msg.language == "kk" and msg.subject.startswith("Сіздің өтінішіңіз")


def test_an_executor_cannot_register_by_post(demo: None, client: Client, token_for) -> None:
    r = post(client, "/api/v1/appeals", appeal_body(channel="post"), token_for("executor"))
    assert r.status_code == 403
    assert Appeal.objects.count() == 0


def test_a_bad_token_is_refused_even_on_the_public_channel(demo: None, client: Client) -> None:
    r = post(client, "/api/v1/appeals", appeal_body(), "abn_wrong")
    assert r.status_code == 401


def test_numbers_are_gapless_and_restart_each_year(demo: None, client: Client, token_for) -> None:
    token = token_for("chancellery")
    for received in [
        "2025-12-30T10:00:00+05:00",
        "2025-12-31T19:00:00+05:00",
        "2026-01-05T10:00:00+05:00",
    ]:
        post(client, "/api/v1/appeals", appeal_body(channel="post", received_at=received), token)
    # 31 Dec after hours → registered in 2026
    assert list(
        Appeal.objects.order_by("registered_at").values_list("incoming_number", "registered_on")
    ) == [
        ("2025-000001", date(2025, 12, 30)),
        ("2026-000001", date(2026, 1, 5)),
        ("2026-000002", date(2026, 1, 5)),
    ]


def test_the_public_form_is_rate_limited(demo: None, client: Client) -> None:
    cache.clear()
    with override_settings(ABONENT_RATE_LIMITS=True):
        codes = [post(client, "/api/v1/appeals", appeal_body()).status_code for _ in range(21)]
    assert codes[:20] == [201] * 20 and codes[20] == 429
    cache.clear()


def test_html_in_fields_is_kept_as_text(demo: None, client: Client, token_for) -> None:
    r = post(
        client,
        "/api/v1/appeals",
        appeal_body(applicant={**PERSON, "last_name": "<script>alert(1)</script>"}),
    )
    appeal = Appeal.objects.get(pk=r.json()["id"])
    assert appeal.last_name == "<script>alert(1)</script>"
    client.login(username="chancellery", password="demo")
    pdf = client.get(f"/api/v1/appeals/{appeal.pk}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db(transaction=True)
def test_the_receipt_reaches_the_applicant_with_its_pdf(
    demo: None, client: Client, smtp, settings: Any
) -> None:
    from email import message_from_bytes

    from django.core.management import call_command

    settings.ABONENT_RECEIPT_DELAY_SECONDS = 0  # the worker below runs what is due now
    inbox, _ = smtp
    r = post(client, "/api/v1/appeals", appeal_body())
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    msg = OutgoingMessage.objects.get()
    number = r.json()["incoming_number"]
    assert msg.status == "sent"
    assert msg.subject == f"Ваше обращение зарегистрировано под № {number}"
    [envelope] = inbox.messages
    assert envelope.mail_from == "webmaster@aesbyt.kz"
    parsed = message_from_bytes(envelope.content)
    assert number in parsed.get_payload(0).get_payload(decode=True).decode()
    pdfs = [p for p in parsed.walk() if p.get_content_type() == "application/pdf"]
    assert pdfs[0].get_filename() == f"receipt-{r.json()['incoming_number']}.pdf"
    assert pdfs[0].get_payload(decode=True).startswith(b"%PDF")


def test_one_receipt_task_serves_the_registrations_of_a_second(
    demo: None,
    client: Client,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """K-4 without a task per registration: a task due in a second sees every appeal
    committed before it runs; a rolled-back registration is never marked."""
    from abonent.appeals import notices

    now = [1_900_000_000.0]
    monkeypatch.setattr(notices.time, "time", lambda: now[0])
    for step in (0.0, 0.5, 0.2):  # three registrations within the second
        now[0] += step
        with django_capture_on_commit_callbacks(execute=True):
            assert post(client, "/api/v1/appeals", appeal_body()).status_code == 201
    assert DBTaskResult.objects.filter(task_path__endswith="send_receipts").count() == 1
    now[0] += 0.6  # the task is due within the safety margin: queue the next one
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, "/api/v1/appeals", appeal_body()).status_code == 201
    assert DBTaskResult.objects.filter(task_path__endswith="send_receipts").count() == 2
    assert send_receipts.call() == 4
    assert OutgoingMessage.objects.count() == 4


def test_the_safety_net_command_writes_what_is_pending(demo: None, client: Client) -> None:
    from io import StringIO

    from django.core.management import call_command

    post(client, "/api/v1/appeals", appeal_body())  # its on-commit task never ran here
    assert Appeal.objects.get().receipt_pending
    out = StringIO()
    call_command("send_receipts", stdout=out)
    assert "1 receipt" in out.getvalue()
    assert OutgoingMessage.objects.count() == 1


def test_a_receipt_before_2000_is_refused(demo: None, client: Client, token_for: Any) -> None:
    """Bad input: the working-day calendar starts in 2000; nothing is stored."""
    for moment in ("1999-12-31T10:00:00+05:00", "0001-01-01T10:00:00+05:00"):
        r = post(
            client,
            "/api/v1/appeals",
            appeal_body(channel="post", received_at=moment),
            token_for("chancellery"),
        )
        assert (r.status_code, r.json()["code"]) == (422, "received_at_out_of_range"), moment
    assert not Appeal.objects.exists()
