"""Recording the result through the staff API (B-3..B-8, B-6): the rules of the book, the
answer registered through the registry, the recorder's "signature", and who may."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.appeals.book.models import BookEntry
from abonent.appeals.book.tests.helpers import (
    KK_MEASURES,
    KK_TEXT,
    MEASURES,
    REASONS,
    get,
    make_entry,
    post,
)
from abonent.appeals.models import Answer
from abonent.core.models import AuditEntry, StaffProfile
from abonent.notify.models import OutgoingMessage

pytestmark = pytest.mark.django_db

NAMED = {
    "last_name": "Омарова",
    "first_name": "Айгуль",
    "postal_address": "г. Астана, ул. Кенесары, 40, кв. 12",
    "phone": "+77015554433",
    "email": "aigul@example.kz",
}


def result(client: Client, entry: BookEntry, token: str | None, **body: Any):
    payload = {"result": "satisfied", "measures": MEASURES, "method": "book_record", **body}
    return post(client, f"/api/v1/book/entries/{entry.pk}/result", payload, token)


def unchanged(entry: BookEntry) -> bool:
    entry.refresh_from_db()
    entry.appeal.refresh_from_db()
    return (
        entry.result == ""
        and entry.recorded_by_id is None
        and entry.appeal.status == "registered"
        and not Answer.objects.filter(appeal=entry.appeal).exists()
    )


def test_b6_the_result_its_date_and_the_recorders_surname_and_position_are_recorded(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("central")
    r = result(client, entry, tokens["chancellery"])
    assert r.status_code == 200, r.json()
    body = r.json()
    entry.refresh_from_db()
    answer = Answer.objects.get(appeal=entry.appeal)
    assert (body["result"], body["result_date"], body["measures"]) == (
        "satisfied",
        answer.answered_on.isoformat(),
        MEASURES,
    )
    assert (body["recorder_surname"], body["recorder_position"]) == (
        "Абдрахманова",
        "Специалист Канцелярии",
    )
    assert entry.recorded_by.username == "chancellery"
    assert body["answer"]["outgoing_number"] == answer.outgoing_number
    assert body["appeal_status"] == "answered"
    assert (
        AuditEntry.objects.filter(action="book.result_recorded", object_id=str(entry.pk)).count()
        == 1
    )


def test_b6_the_signature_is_a_copy_a_later_change_of_position_does_not_rewrite_the_book(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("central")
    result(client, entry, tokens["chancellery"])
    StaffProfile.objects.filter(user__username="chancellery").update(position="Начальник отдела")
    entry.refresh_from_db()
    assert entry.recorder_position == "Специалист Канцелярии"


def test_b8_a_satisfied_entry_is_recorded_in_the_book_without_a_written_answer(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("sc1", **NAMED)
    r = result(client, entry, tokens["head"], method="book_record")
    assert r.status_code == 200, r.json()
    assert r.json()["answer"]["method"] == "book_record"
    assert not OutgoingMessage.objects.filter(to=NAMED["email"]).exists()


def test_b7_a_refusal_without_reasons_is_refused_and_nothing_changes(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("sc1", **NAMED)
    r = result(client, entry, tokens["head"], result="refused", method="post")
    assert r.status_code == 422
    assert r.json()["code"] == "reasons_required"
    assert "reasons" in r.json()["fields"]
    assert unchanged(entry)


def test_b7_a_refusal_is_notified_in_writing_with_its_reasons_through_the_registry(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("sc1", **NAMED)
    # recording it only in the book is not enough when a written notice is possible
    r = result(
        client, entry, tokens["head"], result="refused", reasons=REASONS, method="book_record"
    )
    assert r.status_code == 422
    assert r.json()["code"] == "method_not_allowed"
    assert r.json()["fields"]["method"] == ["post, email"]
    assert unchanged(entry)

    r = result(client, entry, tokens["head"], result="refused", reasons=REASONS, method="email")
    assert r.status_code == 200, r.json()
    answer = Answer.objects.get(appeal=entry.appeal)
    assert (answer.outcome, answer.method, answer.reasons, answer.text) == (
        "refused",
        "email",
        REASONS,
        MEASURES,
    )
    assert answer.outgoing_number.startswith("OUT-")
    # the registry queued the notice to the writer, with the answer letter
    assert [m.attachments for m in OutgoingMessage.objects.filter(to=NAMED["email"])] == [
        [{"render": "abonent.appeals.documents.answer_attachment", "id": answer.pk}]
    ]


def test_b5_an_anonymous_refusal_is_recorded_in_the_book_and_no_written_answer_is_sent(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("central")
    r = result(
        client, entry, tokens["chancellery"], result="refused", reasons=REASONS, method="post"
    )
    assert r.status_code == 422
    assert r.json()["code"] == "method_not_allowed"
    r = result(client, entry, tokens["chancellery"], result="refused", reasons=REASONS)
    assert r.status_code == 200
    assert (r.json()["result"], r.json()["answer"]["method"], r.json()["answer_scan_expected"]) == (
        "refused",
        "book_record",
        True,
    )


def test_b3_an_oral_answer_records_who_gave_it_and_when(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("sc1", phone="+77015554433")
    r = result(client, entry, tokens["head"], result="explained", method="book_record")
    assert r.status_code == 422 and r.json()["code"] == "method_not_allowed"
    r = result(client, entry, tokens["head"], result="explained", method="oral_phone")
    assert r.status_code == 200, r.json()
    answer = r.json()["answer"]
    assert answer["method"] == "oral_phone"
    assert answer["oral_by"] == "head"
    assert answer["oral_at"] is not None


def test_b4_an_entry_outside_the_companys_activity_may_be_marked_not_subject(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("central", text="Прошу отремонтировать дорогу у дома, там глубокие ямы.")
    r = result(
        client,
        entry,
        tokens["chancellery"],
        result="not_subject",
        measures="Вопрос относится к акимату района; запись не подлежит обязательному рассмотрению.",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["result"] == "not_subject"
    assert r.json()["answer_scan_expected"] is False
    assert Answer.objects.get(appeal=entry.appeal).outcome == "explained"


def test_the_measures_are_in_the_language_of_the_entry(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("central", text=KK_TEXT)
    assert entry.appeal.language == "kk"
    r = result(client, entry, tokens["chancellery"], measures=MEASURES)
    assert r.status_code == 422
    assert r.json()["code"] == "language_mismatch"
    assert unchanged(entry)
    assert result(client, entry, tokens["chancellery"], measures=KK_MEASURES).status_code == 200


def test_a_result_is_recorded_once(client: Client, tokens: dict[str, str]) -> None:
    entry = make_entry("central")
    assert result(client, entry, tokens["chancellery"]).status_code == 200
    r = result(client, entry, tokens["manager"], result="explained")
    assert r.status_code == 409
    assert r.json()["code"] == "result_already_recorded"
    entry.refresh_from_db()
    assert (entry.result, entry.recorded_by.username) == ("satisfied", "chancellery")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"result": "approved"}, "invalid_result"),
        ({"measures": "   "}, "measures_required"),
        ({"method": "pigeon"}, "method_not_allowed"),
    ],
)
def test_bad_results_are_refused_and_nothing_changes(
    client: Client, tokens: dict[str, str], body: dict, code: str
) -> None:
    entry = make_entry("central")
    r = result(client, entry, tokens["chancellery"], **body)
    assert r.status_code == 422
    assert r.json()["code"] == code
    assert unchanged(entry)


def test_a_result_without_a_recorder_is_refused(client: Client, tokens: dict[str, str]) -> None:
    entry = make_entry("central")
    r = result(client, entry, None)
    assert r.status_code == 401
    assert unchanged(entry)


def test_a_recorder_without_surname_or_position_cannot_sign_the_book(
    client: Client, tokens: dict[str, str]
) -> None:
    StaffProfile.objects.filter(user__username="chancellery").update(position="")
    entry = make_entry("central")
    r = result(client, entry, tokens["chancellery"])
    assert r.status_code == 409
    assert r.json()["code"] == "recorder_profile_incomplete"
    assert unchanged(entry)


@pytest.mark.parametrize(
    ("username", "office"),
    [
        ("operator", "sc1"),  # may type in and read sc1's book, not record its result
        ("executor", "central"),
        ("clerk", "central"),
        ("head", "central"),  # responsible for sc1's book only
    ],
)
def test_a_role_that_may_not_record_gets_403(
    client: Client, tokens: dict[str, str], username: str, office: str
) -> None:
    entry = make_entry(office)
    r = result(client, entry, tokens[username])
    assert r.status_code == 403
    assert r.json()["code"] == "forbidden"
    assert unchanged(entry)


def test_a_manager_may_record_in_any_book(client: Client, tokens: dict[str, str]) -> None:
    entry = make_entry("sc3")
    assert result(client, entry, tokens["manager"]).status_code == 200


def test_staff_read_entries_of_their_own_office_only(
    client: Client, tokens: dict[str, str]
) -> None:
    mine, other = make_entry("sc1", **NAMED), make_entry("central")
    r = get(client, "/api/v1/book/sc1/entries", tokens["operator"])
    assert r.status_code == 200
    assert [i["id"] for i in r.json()["items"]] == [mine.pk]
    assert r.json()["items"][0]["writer"]["last_name"] == "Омарова"
    assert get(client, "/api/v1/book/central/entries", tokens["operator"]).status_code == 403
    assert get(client, f"/api/v1/book/entries/{other.pk}", tokens["operator"]).status_code == 403
    assert get(client, f"/api/v1/book/entries/{mine.pk}", tokens["operator"]).status_code == 200
    assert get(client, "/api/v1/book/sc1/entries").status_code == 401
    assert get(client, "/api/v1/book/central/entries", tokens["chancellery"]).status_code == 200


def test_the_entries_list_is_paginated_with_a_fixed_number_of_queries(
    client: Client, tokens: dict[str, str], django_assert_max_num_queries
) -> None:
    for _ in range(55):
        make_entry("sc1", **NAMED)
    token = tokens["operator"]
    with django_assert_max_num_queries(8):
        first = get(client, "/api/v1/book/sc1/entries?state=open", token).json()
    assert (len(first["items"]), first["pages"], first["count"]) == (50, 2, 55)
    assert first["items"][0]["book_number"] == 55
    second = get(client, "/api/v1/book/sc1/entries?state=open&page=2", token).json()
    assert [i["book_number"] for i in second["items"]] == [5, 4, 3, 2, 1]
    assert get(client, "/api/v1/book/sc1/entries?state=with_result", token).json()["count"] == 0
    assert get(client, "/api/v1/book/sc1/entries?state=bogus", token).status_code == 422


def test_the_executor_of_the_appeal_may_open_the_entry(
    client: Client, tokens: dict[str, str]
) -> None:
    entry = make_entry("central")
    entry.appeal.executor = get_user_model().objects.get(username="executor")
    entry.appeal.save(update_fields=["executor"])
    assert get(client, f"/api/v1/book/entries/{entry.pk}", tokens["executor"]).status_code == 200


def test_b5_a_scan_of_the_answer_is_attached_through_the_api_checked_by_content(
    client: Client, tokens: dict[str, str]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from abonent.appeals.book.models import EntryFile
    from abonent.appeals.book.tests.helpers import PDF

    entry = make_entry("sc1")
    url = f"/api/v1/book/entries/{entry.pk}/scans"

    def send(token: str, name: str, content: bytes):
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        return client.post(
            url, {"kind": "answer", "file": upload}, HTTP_AUTHORIZATION=f"Bearer {token}"
        )

    r = send(tokens["head"], "answer.pdf", b"GIF89a not a pdf")
    assert (r.status_code, r.json()["code"]) == (422, "file_type_not_allowed")
    assert send(tokens["clerk"], "answer.pdf", PDF).status_code == 403
    r = send(tokens["head"], "answer.pdf", PDF)
    assert r.status_code == 201, r.json()
    assert (r.json()["kind"], r.json()["content_type"], r.json()["size"]) == (
        "answer",
        "application/pdf",
        len(PDF),
    )
    assert EntryFile.objects.get().entry_id == entry.pk
