"""Decision, assignment, terms, extension and answers through the staff API
(C-5, C-6, W-3..W-6, K-5, D-1..D-4)."""

import pytest
from django.test import Client

from abonent.appeals.models import Answer, Appeal
from abonent.appeals.tests.helpers import appeal_body, post
from abonent.core.models import AuditEntry
from abonent.notify.models import OutgoingMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(demo: None, token_for) -> dict[str, str]:
    return {u: token_for(u) for u in ("chancellery", "executor", "operator")}


def _register(client: Client, token: str, **over) -> dict:
    body = appeal_body(channel="post", received_at="2026-11-20T10:00:00+05:00", **over)
    r = post(client, "/api/v1/appeals", body, token)
    assert r.status_code == 201, r.json()
    return r.json()


def _state(pk: int) -> tuple:
    a = Appeal.objects.get(pk=pk)
    return (a.status, a.decision, a.due_date, a.extension_days, a.department_id, a.executor_id)


def test_the_whole_path_register_assign_extend_answer(client: Client, staff) -> None:
    tok = staff["chancellery"]
    a = _register(client, tok)
    assert a["due_date"] == "2026-12-11"
    r = post(
        client,
        f"/api/v1/appeals/{a['id']}/assign",
        {"department": "sales", "executor": "executor"},
        tok,
    )
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["department"], r.json()["executor"]) == (
        "assigned",
        "sales",
        "executor",
    )
    r = post(
        client,
        f"/api/v1/appeals/{a['id']}/extend",
        {"days": 30, "reason": "Нужна проверка на месте"},
        tok,
    )
    assert r.status_code == 200
    assert r.json()["due_date"] == "2027-01-11"  # 10 Jan 2027 is a Sunday
    [notice] = OutgoingMessage.objects.all()  # the receipt is written by a task, not run here
    assert notice.subject == f"Срок рассмотрения обращения № {a['incoming_number']} продлён"
    assert notice.to == "ivan@example.kz" and "11.01.2027" in notice.body
    r = post(
        client,
        f"/api/v1/appeals/{a['id']}/answer",
        {
            "text": "Перерасчёт выполнен, сумма учтена в следующем счёте.",
            "language": "ru",
            "outcome": "satisfied",
            "method": "email",
        },
        tok,
    )
    assert r.status_code == 200
    detail = r.json()
    assert detail["status"] == "answered"
    assert detail["answer"]["outgoing_number"].startswith("OUT-")
    assert [h["action"] for h in detail["history"]] == [
        "appeal.registered",
        "appeal.assigned",
        "appeal.extended",
        "appeal.answered",
    ]
    mail = OutgoingMessage.objects.order_by("id").last()
    assert mail.subject == f"Ответ на обращение № {a['incoming_number']}"
    assert mail.attachments[0]["render"] == "abonent.appeals.documents.answer_attachment"
    assert mail.from_address == "webmaster@aesbyt.kz"


def test_a_second_extension_and_a_long_one_are_refused(client: Client, staff) -> None:
    tok = staff["chancellery"]
    a = _register(client, tok)
    r = post(client, f"/api/v1/appeals/{a['id']}/extend", {"days": 31, "reason": "x"}, tok)
    assert (r.status_code, r.json()["code"]) == (422, "extension_too_long")
    post(client, f"/api/v1/appeals/{a['id']}/extend", {"days": 10, "reason": "проверка"}, tok)
    before = _state(a["id"])
    r = post(client, f"/api/v1/appeals/{a['id']}/extend", {"days": 5, "reason": "ещё"}, tok)
    assert (r.status_code, r.json()["code"]) == (409, "already_extended")
    assert _state(a["id"]) == before


def test_an_extension_without_email_leaves_a_notice_task(client: Client, staff) -> None:
    tok = staff["chancellery"]
    a = _register(
        client,
        tok,
        applicant={
            "type": "individual",
            "last_name": "Ким",
            "first_name": "Ольга",
            "postal_address": "Астана",
        },
    )
    r = post(client, f"/api/v1/appeals/{a['id']}/extend", {"days": 15, "reason": "запрос"}, tok)
    appeal = Appeal.objects.get(pk=a["id"])
    assert appeal.extension_notice_sent_at is None
    assert r.json()["notice_due"] == str(appeal.extension_notice_due)
    post(client, f"/api/v1/appeals/{a['id']}/extension-notice-sent", {}, tok)
    appeal.refresh_from_db()
    assert appeal.extension_notice_sent_at is not None


def test_answers_must_be_in_the_language_of_the_appeal(client: Client, staff) -> None:
    tok = staff["chancellery"]
    a = _register(
        client, tok, text="Қазан айындағы ыстық су үшін есептеуді қайта қарауды сұраймын."
    )
    url = f"/api/v1/appeals/{a['id']}/answer"
    r = post(
        client,
        url,
        {
            "text": "Перерасчёт выполнен.",
            "language": "ru",
            "outcome": "satisfied",
            "method": "post",
        },
        tok,
    )
    assert (r.status_code, r.json()["code"]) == (422, "wrong_language")
    r = post(
        client,
        url,
        {
            "text": "Перерасчёт выполнен в полном объёме.",
            "language": "kk",
            "outcome": "satisfied",
            "method": "post",
        },
        tok,
    )
    assert (r.status_code, r.json()["code"]) == (422, "language_mismatch")
    assert Answer.objects.count() == 0
    r = post(
        client,
        url,
        {
            "text": "Есептеу қайта қаралды, сома келесі шотта ескеріледі.",
            "language": "kk",
            "outcome": "satisfied",
            "method": "post",
        },
        tok,
    )
    assert r.status_code == 200


def test_a_refusal_needs_reasons_and_a_second_answer_is_refused(client: Client, staff) -> None:
    tok = staff["chancellery"]
    a = _register(client, tok)
    url = f"/api/v1/appeals/{a['id']}/answer"
    body = {
        "text": "В перерасчёте отказано.",
        "language": "ru",
        "outcome": "refused",
        "method": "post",
    }
    r = post(client, url, body)
    assert r.status_code == 401
    r = post(client, url, body, tok)
    assert (r.status_code, r.json()["code"]) == (422, "reasons_required")
    r = post(client, url, {**body, "reasons": "Показания переданы после 25 числа."}, tok)
    assert r.status_code == 200
    r = post(client, url, {**body, "reasons": "повтор"}, tok)
    assert (r.status_code, r.json()["code"]) == (409, "already_answered")
    assert Answer.objects.count() == 1


def test_an_oral_answer_records_who_and_when(client: Client, staff) -> None:
    tok = staff["chancellery"]
    a = _register(client, tok)
    r = post(
        client,
        f"/api/v1/appeals/{a['id']}/answer",
        {
            "text": "Разъяснено по телефону: срок оплаты до 25 числа.",
            "language": "ru",
            "outcome": "explained",
            "method": "oral_phone",
        },
        tok,
    )
    ans = r.json()["answer"]
    assert ans["oral_by"] == "chancellery"
    assert Answer.objects.get().oral_at is not None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"decision": "no_action", "reasons": []}, "reasons_mismatch"),
        ({"decision": "no_action", "reasons": ["anonymous"]}, "reasons_mismatch"),
        ({"decision": "accepted", "reasons": ["unreadable"]}, "reasons_not_allowed"),
        ({"decision": "forwarded", "reasons": ["crime_or_security_threat"]}, "state_body_required"),
        ({"decision": "maybe", "reasons": []}, "invalid_decision"),
    ],
)
def test_inconsistent_decisions_are_refused(client: Client, staff, body, code) -> None:
    a = _register(client, staff["chancellery"])
    before = _state(a["id"])
    r = post(client, f"/api/v1/appeals/{a['id']}/decision", body, staff["chancellery"])
    assert (r.status_code, r.json()["code"]) == (422, code)
    assert _state(a["id"]) == before


def test_forwarding_an_anonymous_crime_report_is_recorded(client: Client, staff) -> None:
    tok = staff["chancellery"]
    a = _register(
        client,
        tok,
        applicant={"type": "anonymous"},
        text="В подвале дома на улице Абая готовится теракт, хранят взрывчатку.",
    )
    assert a["admissibility"] == {"decision": "forwarded", "reasons": ["crime_or_security_threat"]}
    r = post(
        client,
        f"/api/v1/appeals/{a['id']}/decision",
        {
            "decision": "forwarded",
            "reasons": ["crime_or_security_threat"],
            "state_body": "Департамент полиции г. Астаны",
        },
        tok,
    )
    assert r.json()["status"] == "forwarded"
    assert r.json()["state_body"] == "Департамент полиции г. Астаны"
    assert AuditEntry.objects.filter(action="appeal.decided").count() == 1
    r = post(client, f"/api/v1/appeals/{a['id']}/assign", {"department": "sales"}, tok)
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")


def test_executors_see_only_their_departments_appeals(client: Client, staff) -> None:
    tok = staff["chancellery"]
    a = _register(client, tok)
    b = _register(client, tok)
    post(client, f"/api/v1/appeals/{a['id']}/assign", {"department": "sales"}, tok)
    post(client, f"/api/v1/appeals/{b['id']}/assign", {"department": "accounting"}, tok)
    r = client.get("/api/v1/appeals", HTTP_AUTHORIZATION=f"Bearer {staff['executor']}")
    assert [i["id"] for i in r.json()["items"]] == [a["id"]]
    r = client.get(f"/api/v1/appeals/{b['id']}", HTTP_AUTHORIZATION=f"Bearer {staff['executor']}")
    assert r.status_code == 404
    r = post(
        client, f"/api/v1/appeals/{a['id']}/assign", {"department": "accounting"}, staff["executor"]
    )
    assert r.status_code == 403


def test_needs_external_info_moves_the_term(client: Client, staff) -> None:
    tok = staff["chancellery"]
    a = _register(client, tok)
    r = post(client, f"/api/v1/appeals/{a['id']}/needs-external-info", {}, tok)
    assert r.json()["due_date"] == "2026-12-21"  # 20 Nov + 30 = 20 Dec (Sunday) → 21 Dec
    assert r.json()["due_date_unadjusted"] == "2026-12-20"


def test_the_public_status_page_shows_no_personal_data(client: Client, staff) -> None:
    a = _register(client, staff["chancellery"])
    r = client.get(f"/api/v1/appeals/{a['incoming_number']}/status", {"code": a["access_code"]})
    assert r.json() == {
        "incoming_number": a["incoming_number"],
        "status": "registered",
        "registered_on": "2026-11-20",
        "due_date": "2026-12-11",
        "answered_on": None,
    }
    wrong_code = client.get(f"/api/v1/appeals/{a['incoming_number']}/status", {"code": "AAAA"})
    wrong_number = client.get("/api/v1/appeals/2026-999999/status", {"code": a["access_code"]})
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert wrong_code.json() == wrong_number.json()


def test_the_journal_pages_with_a_cursor_and_a_fixed_number_of_queries(
    client: Client, staff, django_assert_max_num_queries
) -> None:
    tok = staff["chancellery"]
    for _ in range(7):
        _register(client, tok)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tok}"}
    with django_assert_max_num_queries(6):
        first = client.get("/api/v1/appeals", {"limit": 5}, **auth).json()
    assert [i["incoming_number"] for i in first["items"]] == [
        f"2026-00000{n}" for n in (7, 6, 5, 4, 3)
    ]
    with django_assert_max_num_queries(6):
        second = client.get(
            "/api/v1/appeals", {"limit": 50, "cursor": first["next_cursor"]}, **auth
        ).json()
    assert [i["incoming_number"] for i in second["items"]] == ["2026-000002", "2026-000001"]
    assert second["next_cursor"] is None


def test_the_journal_exports_to_xlsx(client: Client, staff) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    _register(
        client,
        staff["chancellery"],
        applicant={
            "type": "individual",
            "last_name": "=HYPERLINK(1)",
            "first_name": "X",
            "phone": "+77011234567",
        },
    )
    r = client.get(
        "/api/v1/journal.xlsx", {"year": 2026}, HTTP_AUTHORIZATION=f"Bearer {staff['chancellery']}"
    )
    ws = load_workbook(BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][0] == "2026-000001"
    assert rows[1][5] == "'=HYPERLINK(1) X"
    r = client.get(
        "/api/v1/journal.xlsx", {"year": 2026}, HTTP_AUTHORIZATION=f"Bearer {staff['operator']}"
    )
    assert r.status_code == 403


def test_mail_for_a_refused_registration_is_never_queued(client: Client, staff) -> None:
    r = post(
        client,
        "/api/v1/appeals",
        appeal_body(
            applicant={
                "type": "individual",
                "last_name": "Иванов",
                "first_name": "Иван",
                "email": "ivan@example.kz",
            },
            topic=6,
            office="nowhere",
        ),
    )
    assert (r.status_code, r.json()["code"]) == (422, "unknown_office")
    assert OutgoingMessage.objects.count() == 0
    assert Appeal.objects.count() == 0


def test_the_control_view_costs_the_same_queries_whatever_its_size(
    client: Client, staff, django_assert_max_num_queries
) -> None:
    """D-4: the control view reads its seven sections in one query (one per section where
    the database cannot order inside a UNION ALL) and their rows in one more."""
    from django.db import connection

    tok = staff["chancellery"]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tok}"}
    client.get("/api/v1/appeals-control", **auth)  # warm the per-process calendar
    sections = 1 if connection.features.supports_slicing_ordering_in_compound else 7
    cap = 2 + sections + 1  # the token and its roles, the sections, the rows
    with django_assert_max_num_queries(cap):
        empty = client.get("/api/v1/appeals-control", **auth).json()
    assert all(rows == [] for rows in empty.values())
    for _ in range(6):
        _register(client, tok)
    with django_assert_max_num_queries(cap):
        full = client.get("/api/v1/appeals-control", {"limit": 100}, **auth).json()
    with django_assert_max_num_queries(cap):
        two = client.get("/api/v1/appeals-control", {"limit": 2}, **auth).json()
    # undecided: oldest first, and the limit applies per section
    numbers = [r["incoming_number"] for r in full["undecided"]]
    assert numbers == sorted(numbers) and len(numbers) == 6
    assert [r["incoming_number"] for r in two["undecided"]] == numbers[:2]
