"""The staff pages of the registry: registration (C-4, K-3), the journal and the control
view (D-4), and the actions of the appeal page (C-5, C-6, W-3..W-6, K-5, D-1..D-3).

Nothing is frozen: expected dates come from the same working-day calendar the services use."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from abonent.appeals import services
from abonent.appeals.models import Answer, Appeal
from abonent.core.models import AuditEntry
from abonent.workdays.calendar import TIMEZONE
from abonent.workdays.services import get_calendar, get_terms_policy

pytestmark = pytest.mark.django_db

TEXT = "Прошу сделать перерасчёт начислений за горячую воду за октябрь 2026 года."
ANSWER = "Перерасчёт выполнен, сумма учтена в следующем счёте за декабрь."


def staff_client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="demo")
    client.cookies["abonent_lang"] = "en"  # messages as written in the code
    return client


@pytest.fixture
def chancellery(demo: None) -> Client:
    return staff_client("chancellery")


def last_working_day_before_today() -> date:
    cal = get_calendar()
    day = timezone.localdate() - timedelta(days=1)
    while not cal.is_working_day(day):
        day -= timedelta(days=1)
    return day


def registration(received: datetime, **over: Any) -> dict[str, Any]:
    local = received.astimezone(TIMEZONE)
    data: dict[str, Any] = {
        "channel": "post",
        "kind": "complaint",
        "received_date": local.date().isoformat(),
        "received_time": local.strftime("%H:%M"),
        "applicant_type": "individual",
        "last_name": "Ким",
        "first_name": "Ольга",
        "postal_address": "г. Астана, ул. Демо, 5",
        "phone": "+7 701 765 43 21",
        "language": "",
        "text": TEXT,
    }
    data.update(over)
    return data


def register(client: Client, received: datetime | None = None, **over: Any) -> Appeal:
    if received is None:
        received = datetime.combine(last_working_day_before_today(), time(10, 0), TIMEZONE)
    r = client.post("/staff/appeals/new/", registration(received, **over))
    assert r.status_code == 302, r.context and r.context["form"].errors
    appeal = Appeal.objects.latest("registered_at")
    assert r["Location"] == f"/staff/appeals/{appeal.pk}/"
    return appeal


def state(pk: int) -> tuple[Any, ...]:
    a = Appeal.objects.get(pk=pk)
    return (
        a.status,
        a.decision,
        a.due_date,
        a.extension_days,
        a.extension_reason,
        a.department_id,
        a.executor_id,
        AuditEntry.objects.for_object(a).count(),
    )


# ---- access ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/staff/appeals/", "/staff/appeals/control/", "/staff/appeals/new/"]
)
def test_the_staff_pages_need_a_log_in(demo: None, client: Client, url: str) -> None:
    r = client.get(url)
    assert (r.status_code, r["Location"]) == (302, f"/staff/login/?next={url}")


def test_an_operator_cannot_open_the_control_view(demo: None) -> None:
    r = staff_client("operator").get("/staff/appeals/control/")
    assert r.status_code == 403
    assert "Access denied" in r.content.decode()


def test_a_cashier_cannot_open_the_journal(demo: None) -> None:
    assert staff_client("cashier").get("/staff/appeals/").status_code == 403


def test_the_actions_are_only_for_the_chancellery(chancellery: Client) -> None:
    appeal = register(chancellery)
    chancellery.post(
        f"/staff/appeals/{appeal.pk}/assign/", {"department": "sales", "executor": "executor"}
    )
    executor = staff_client("executor")
    page = executor.get(f"/staff/appeals/{appeal.pk}/").content.decode()
    assert appeal.incoming_number in page and "Ким Ольга" in page
    assert 'id="action-decision"' not in page and 'id="action-answer"' not in page
    before = state(appeal.pk)
    r = executor.post(
        f"/staff/appeals/{appeal.pk}/extend/", {"days": "5", "reason": "проверка на месте"}
    )
    assert r.status_code == 403
    assert state(appeal.pk) == before


def test_an_appeal_nobody_gave_you_is_not_found(chancellery: Client) -> None:
    appeal = register(chancellery)
    assert staff_client("cc_operator").get(f"/staff/appeals/{appeal.pk}/").status_code == 404


# ---- registration ------------------------------------------------------------------------


def test_a_post_appeal_received_after_18_on_a_friday_is_registered_the_next_working_day(
    chancellery: Client,
) -> None:
    friday = timezone.localdate() - timedelta(days=1)
    while friday.weekday() != 4:
        friday -= timedelta(days=1)
    received = datetime.combine(friday, time(18, 30), TIMEZONE)
    cal = get_calendar()
    expected_on = cal.next_working_day(friday, inclusive=False)

    appeal = register(chancellery, received)

    assert appeal.received_at == received
    assert appeal.registered_on == expected_on
    assert appeal.due_date == cal.add_working_days(
        expected_on, get_terms_policy().consideration_working_days
    )
    assert (appeal.channel, appeal.kind, appeal.language, appeal.phone) == (
        "post",
        "complaint",
        "ru",
        "+77017654321",
    )
    assert appeal.registered_by == get_user_model().objects.get(username="chancellery")
    page = chancellery.get(f"/staff/appeals/{appeal.pk}/").content.decode()
    assert (
        f"Appeal No. {appeal.incoming_number} is registered on "
        f"{expected_on:%d.%m.%Y}; due {appeal.due_date:%d.%m.%Y}."
    ) in page
    assert f"/api/v1/appeals/{appeal.pk}/receipt.pdf" in page


def test_a_future_time_of_receipt_is_refused_and_nothing_is_stored(chancellery: Client) -> None:
    tomorrow = timezone.now() + timedelta(days=1)
    r = chancellery.post("/staff/appeals/new/", registration(tomorrow))
    assert r.status_code == 422
    assert r.context["form"].errors["received_time"] == ["Cannot be in the future."]
    assert "The date of receipt cannot be in the future." in r.content.decode()
    assert Appeal.objects.count() == 0


def test_staff_register_what_arrived_even_without_a_name(chancellery: Client) -> None:
    appeal = register(
        chancellery,
        channel="complaint_book",
        applicant_type="anonymous",
        last_name="",
        first_name="",
        postal_address="",
        phone="",
        office="sc1",
    )
    assert (appeal.channel, appeal.applicant_type, appeal.office.code) == (
        "complaint_book",
        "anonymous",
        "sc1",
    )


def test_an_attachment_is_stored_and_downloaded_only_by_those_who_see_the_appeal(
    chancellery: Client,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n% a scanned letter\n"
    received = datetime.combine(last_working_day_before_today(), time(10, 0), TIMEZONE)
    data = registration(received)
    data["attachments"] = [SimpleUploadedFile("letter.pdf", pdf, "application/pdf")]
    assert chancellery.post("/staff/appeals/new/", data).status_code == 302
    appeal = Appeal.objects.get()
    (att,) = appeal.attachments.all()
    url = f"/staff/appeals/{appeal.pk}/attachments/{att.pk}/"
    assert url in chancellery.get(f"/staff/appeals/{appeal.pk}/").content.decode()
    r = chancellery.get(url)
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == pdf
    assert r["Content-Disposition"] == 'attachment; filename="letter.pdf"'
    assert r["Content-Type"] == "application/pdf"
    assert staff_client("cc_operator").get(url).status_code == 404


def test_a_file_of_a_refused_type_is_a_form_error(chancellery: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    received = datetime.combine(last_working_day_before_today(), time(10, 0), TIMEZONE)
    data = registration(received)
    data["attachments"] = [SimpleUploadedFile("run.exe", b"MZ\x90\x00", "application/x-msdos")]
    r = chancellery.post("/staff/appeals/new/", data)
    assert r.status_code == 422
    assert r.context["form"].errors["attachments"] == [
        "run.exe: only PDF, JPEG, PNG, TIFF, DOC, DOCX and TXT files are accepted."
    ]
    assert Appeal.objects.count() == 0


# ---- actions on the appeal page ----------------------------------------------------------


def test_a_decision_with_its_reasons_through_the_page(chancellery: Client) -> None:
    appeal = register(chancellery)
    url = f"/staff/appeals/{appeal.pk}/decision/"
    before = state(appeal.pk)
    r = chancellery.post(url, {"decision": "no_action", "reasons": ["anonymous"]})
    assert r.status_code == 422
    assert "Give the reasons that fit this decision." in r.content.decode()
    assert state(appeal.pk) == before

    r = chancellery.post(url, {"decision": "no_action", "reasons": ["obscene_or_threats"]})
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decision, appeal.decision_reasons) == (
        "no_action",
        "no_action",
        ["obscene_or_threats"],
    )
    page = chancellery.get(f"/staff/appeals/{appeal.pk}/").content.decode()
    assert "Obscene language, insults or threats" in page
    assert 'id="action-answer"' not in page


def test_assign_external_info_extend_notice_and_answer_through_the_page(
    chancellery: Client,
) -> None:
    appeal = register(chancellery)
    cal = get_calendar()
    received_on = appeal.received_at.astimezone(TIMEZONE).date()
    assert appeal.due_date == cal.add_working_days(
        appeal.registered_on, get_terms_policy().consideration_working_days
    )
    base = f"/staff/appeals/{appeal.pk}"

    r = chancellery.post(f"{base}/assign/", {"department": "sales", "executor": "executor"})
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.decision, appeal.department.code, appeal.executor.username) == (
        "assigned",
        "accepted",
        "sales",
        "executor",
    )

    assert chancellery.post(f"{base}/needs-external-info/").status_code == 302
    appeal.refresh_from_db()
    external = cal.add_calendar_days(received_on, get_terms_policy().external_info_calendar_days)
    assert (appeal.needs_external_info, appeal.due_date, appeal.due_date_unadjusted) == (
        True,
        external.due,
        external.unadjusted_due,
    )

    r = chancellery.post(f"{base}/extend/", {"days": "10", "reason": "Нужна проверка на месте"})
    assert r.status_code == 302
    appeal.refresh_from_db()
    extended = cal.add_calendar_days(external.due, 10)
    notice = cal.add_calendar_days(timezone.localdate(), get_terms_policy().notice_days)
    assert (appeal.due_date, appeal.extension_days, appeal.extension_notice_due) == (
        extended.due,
        10,
        notice.due,
    )
    assert appeal.extension_notice_sent_at is None  # no e-mail: the clerk sends it by post
    page = chancellery.get(f"{base}/").content.decode()
    assert 'id="action-notice"' in page and 'id="action-extend"' not in page

    r = chancellery.post(f"{base}/extension-notice-sent/", {"note": "заказным письмом"})
    assert r.status_code == 302
    appeal.refresh_from_db()
    assert appeal.extension_notice_sent_at is not None

    r = chancellery.post(
        f"{base}/answer/",
        {"text": ANSWER, "language": "ru", "outcome": "satisfied", "method": "post"},
        follow=True,
    )
    assert r.status_code == 200
    appeal.refresh_from_db()
    answer = Answer.objects.get(appeal=appeal)
    assert (appeal.status, appeal.answered_on, answer.method, answer.outcome) == (
        "answered",
        timezone.localdate(),
        "post",
        "satisfied",
    )
    page = r.content.decode()
    assert 'data-status="answered"' in page
    assert answer.outgoing_number in page
    assert [
        a
        for a in AuditEntry.objects.for_object(appeal)
        .order_by("at", "id")
        .values_list("action", flat=True)
    ] == [
        "appeal.registered",
        "appeal.assigned",
        "appeal.needs_external_info",
        "appeal.extended",
        "appeal.extension_notice_sent",
        "appeal.answered",
    ]
    assert "Answer registered" in page and "Term extended" in page


def test_a_second_extension_shows_an_error_and_changes_nothing(chancellery: Client) -> None:
    appeal = register(chancellery)
    url = f"/staff/appeals/{appeal.pk}/extend/"
    assert chancellery.post(url, {"days": "10", "reason": "проверка"}).status_code == 302
    before = state(appeal.pk)
    r = chancellery.post(url, {"days": "5", "reason": "ещё раз"})
    assert r.status_code == 409
    assert "The term can be extended only once." in r.content.decode()
    assert r.context["forms"]["extend"].non_field_errors() == [
        "The term can be extended only once."
    ]
    assert state(appeal.pk) == before


def test_an_extension_longer_than_30_days_is_a_form_error(chancellery: Client) -> None:
    appeal = register(chancellery)
    before = state(appeal.pk)
    r = chancellery.post(f"/staff/appeals/{appeal.pk}/extend/", {"days": "31", "reason": "x"})
    assert r.status_code == 422
    assert "days" in r.context["forms"]["extend"].errors
    assert state(appeal.pk) == before


def test_an_answer_in_another_language_is_refused(chancellery: Client) -> None:
    appeal = register(chancellery)
    before = state(appeal.pk)
    r = chancellery.post(
        f"/staff/appeals/{appeal.pk}/answer/",
        {"text": ANSWER, "language": "kk", "outcome": "satisfied", "method": "post"},
    )
    assert r.status_code == 422
    assert "The answer must be in the language of the appeal (ru)." in r.content.decode()
    assert state(appeal.pk) == before
    assert not Answer.objects.exists()


# ---- journal and control -----------------------------------------------------------------


def _bulk(n: int) -> None:
    user = get_user_model().objects.get(username="chancellery")
    for i in range(n):
        data = services.AppealInput(
            channel="post",
            kind="complaint",
            text=TEXT,
            applicant_type="individual",
            last_name=f"Фамилия{i}",
            first_name="Имя",
            phone=f"+7701000{i:04d}",
        )
        appeal = services.register_appeal(data=data, actor=user)
        if i % 2:
            services.assign_appeal(
                appeal=appeal, department="sales", executor="executor", actor=user
            )
        elif i % 3 == 0:
            services.decide_admissibility(
                appeal=appeal, decision="not_considered", reasons=["no_substance"], actor=user
            )


def test_the_journal_uses_a_fixed_number_of_queries(
    chancellery: Client, django_assert_max_num_queries: Any
) -> None:
    cap = 6
    _bulk(5)
    with django_assert_max_num_queries(cap):
        r = chancellery.get("/staff/appeals/")
    assert r.status_code == 200 and len(r.context["rows"]) == 5
    _bulk(46)
    with django_assert_max_num_queries(cap):
        r = chancellery.get("/staff/appeals/")
    assert len(r.context["rows"]) == 50
    page = r.content.decode()
    assert "The substance of the question is not stated" in page
    assert "Петров Андрей" in page or "executor" in page

    # keyset pagination: the next page holds the one row left
    nxt = r.context["next_url"]
    assert nxt.startswith("?cursor=")
    r = chancellery.get("/staff/appeals/" + nxt)
    assert [row.appeal.incoming_number for row in r.context["rows"]] == [
        Appeal.objects.order_by("seq").first().incoming_number
    ]
    assert r.context["next_url"] is None


def test_the_journal_filters(chancellery: Client) -> None:
    _bulk(4)
    r = chancellery.get("/staff/appeals/", {"status": "assigned"})
    assert {row.appeal.status for row in r.context["rows"]} == {"assigned"}
    assert len(r.context["rows"]) == 2
    number = Appeal.objects.order_by("seq").first().incoming_number
    r = chancellery.get("/staff/appeals/", {"q": number})
    assert [row.appeal.incoming_number for row in r.context["rows"]] == [number]
    r = chancellery.get("/staff/appeals/", {"department": "sales", "channel": "web"})
    assert r.context["rows"] == []
    r = chancellery.get("/staff/appeals/", {"cursor": "not-a-cursor"})
    assert r.status_code == 422


def test_the_control_view_lists_what_waits(chancellery: Client) -> None:
    _bulk(4)  # 1: not considered, 2 and 4: assigned, 3: awaiting decision
    r = chancellery.get("/staff/appeals/control/")
    assert r.status_code == 200
    sections = {key: rows for key, _title, rows in r.context["sections"]}
    assert list(sections) == [
        "forward_now",
        "overdue",
        "due_today",
        "due_soon",
        "extended",
        "notices_pending",
        "undecided",
    ]
    assert [row.appeal.seq for row in sections["undecided"]] == [3]
    assert sections["overdue"] == [] and sections["extended"] == []

    extended = Appeal.objects.get(seq=2)
    r = chancellery.post(
        f"/staff/appeals/{extended.pk}/extend/", {"days": "7", "reason": "запрос в ЖКХ"}
    )
    assert r.status_code == 302
    extended.refresh_from_db()
    r = chancellery.get("/staff/appeals/control/")
    sections = {key: rows for key, _title, rows in r.context["sections"]}
    assert [row.appeal.seq for row in sections["extended"]] == [2]
    assert [row.appeal.seq for row in sections["notices_pending"]] == [2]
    assert f"{extended.extension_notice_due:%d.%m.%Y}" in r.content.decode()


def test_an_operator_registers_a_call_and_sees_it_without_the_actions(demo: None) -> None:
    operator = staff_client("operator")
    appeal = register(operator, channel="phone", kind="request")
    page = operator.get(f"/staff/appeals/{appeal.pk}/").content.decode()
    assert appeal.incoming_number in page
    assert 'id="action-' not in page
    journal = operator.get("/staff/appeals/").content.decode()
    assert (
        appeal.incoming_number in journal
        and "/staff/appeals/control/" not in journal.split('<main id="main"')[1]
    )
