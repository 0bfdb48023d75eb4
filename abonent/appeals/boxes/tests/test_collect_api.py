"""K-6 end to end: taken in a service centre → collected by the Chancellery → registered in
the journal (K-3) with the moment it was taken as its receipt (АППК art. 64 p. 3)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from abonent.appeals.attachments import Upload
from abonent.appeals.boxes import documents
from abonent.appeals.boxes.models import BoxItem, Collection, CollectionCounter, ItemStatus
from abonent.appeals.boxes.services import attach_scan
from abonent.appeals.codes import Channel
from abonent.appeals.models import Appeal, JournalCounter
from abonent.core.models import AuditEntry

from .helpers import PDF, get, item_body, local, post, take

pytestmark = pytest.mark.django_db
URL = "/api/v1/boxes/collections"


def test_k6_path_take_check_collect_register(demo: None, client: Client, token_for: Any) -> None:
    # Taken by operators of two centres through the API, and one on the Friday evening
    # before Nauryz (after 18:00) through the service.
    first = post(client, "/api/v1/boxes/items", item_body(), token_for("operator")).json()
    late = take("sc2", "head", taken_at=local(2026, 3, 20, 18, 30), last_name="Сергеев")
    attach_scan(item=late, scan=Upload("scan.pdf", PDF), actor=late.taken_by)
    noon = take(
        "sc2",
        "head",
        taken_at=local(2026, 3, 20, 12, 0),
        applicant_type="legal_entity",
        org_name="ТОО «Ромашка»",
        accept_incomplete=True,
    )

    r = post(client, URL, {}, token_for("chancellery"))
    assert r.status_code == 201, r.content
    body = r.json()
    coll = Collection.objects.get()
    assert body["id"] == coll.pk and body["number"] == coll.number == f"{coll.year}-0001"
    assert body["collected_by"] == "chancellery"
    # by centre, then in the order they were taken
    assert [i["item"] for i in body["items"]] == [first["id"], noon.pk, late.pk]
    by_item = {i["item"]: i for i in body["items"]}

    for item in BoxItem.objects.select_related("appeal", "office"):
        appeal = item.appeal
        assert appeal is not None
        assert item.status == ItemStatus.COLLECTED and item.collection == coll
        assert appeal.channel == Channel.SERVICE_CENTER_BOX
        assert appeal.received_at == item.taken_at
        assert appeal.office == item.office
        assert appeal.registered_by.username == "chancellery"
        assert appeal.text == item.text and appeal.kind == item.kind
        assert by_item[item.pk]["incoming_number"] == appeal.incoming_number
        assert by_item[item.pk]["appeal"] == appeal.pk

    late_appeal = Appeal.objects.get(box_item=late)
    noon_appeal = Appeal.objects.get(box_item=noon)
    # After 18:00 on the Friday: registered on the next working day after Nauryz and its
    # carry-overs; at noon: the same day.
    assert late_appeal.registered_on == date(2026, 3, 26)
    assert noon_appeal.registered_on == date(2026, 3, 20)
    assert late_appeal.last_name == "Сергеев"
    assert noon_appeal.org_name == "ТОО «Ромашка»" and noon_appeal.applicant_type == "legal_entity"
    # the scan went along as the appeal's attachment
    att = late_appeal.attachments.get()
    assert att.content_type == "application/pdf" and att.original_name == "scan.pdf"
    assert JournalCounter.objects.get(year=2026).last == 3
    assert CollectionCounter.objects.get().last == 1
    actions = list(
        AuditEntry.objects.filter(action__startswith="box.").values_list("action", flat=True)
    )
    assert actions.count("box.item_collected") == 3 and actions.count("box.collected") == 1

    # the collection can be read back, and its act renders
    again = get(client, f"{URL}/{coll.pk}", token_for("clerk")).json()
    assert again == body
    pdf = get(client, f"{URL}/{coll.pk}/act.pdf", token_for("clerk"), HTTP_ACCEPT_LANGUAGE="kk")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_k6_act_lists_centres_numbers_applicants_and_totals_in_ru_and_kk(demo: None) -> None:
    from django.contrib.auth import get_user_model

    from abonent.appeals.boxes.services import collect_boxes

    take("sc1", "operator", last_name="Абаев")
    take("sc1", "operator", last_name="Бекова")
    take(
        "sc2",
        "head",
        applicant_type="anonymous",
        last_name="",
        first_name="",
        accept_incomplete=True,
    )
    coll = collect_boxes(actor=get_user_model().objects.get(username="clerk"))
    numbers = list(Appeal.objects.order_by("seq").values_list("incoming_number", flat=True))
    ru = documents.act_html(coll, "ru")
    kk = documents.act_html(coll, "kk")
    for html in (ru, kk):
        assert coll.number in html
        for n in numbers:
            assert n in html
        assert "Абаев Иван" in html and "Бекова Иван" in html
        assert "Оспанова Гульнара" in html  # who collected
    assert "Сервис-центр № 1" in ru and "№ 1 сервис-орталығы" in kk
    assert "Итого: 3 обращения" in ru
    assert "Барлығы: жәшіктерден 3 өтініш." in kk
    assert "Аноним" in ru


def test_k6_selected_items_only_the_rest_stay_in_the_box(
    demo: None, client: Client, token_for: Any
) -> None:
    a, b, c = take(), take(), take("sc2", "head")
    r = post(client, URL, {"items": [a.pk, c.pk]}, token_for("clerk"))
    assert r.status_code == 201
    assert sorted(i["item"] for i in r.json()["items"]) == sorted([a.pk, c.pk])
    assert BoxItem.objects.get(pk=b.pk).status == ItemStatus.IN_BOX
    assert Appeal.objects.count() == 2


def test_k6_collecting_an_item_twice_is_409_and_changes_nothing(
    demo: None, client: Client, token_for: Any
) -> None:
    a, b = take(), take()
    token = token_for("chancellery")
    assert post(client, URL, {"items": [a.pk]}, token).status_code == 201
    before = (Appeal.objects.count(), Collection.objects.count(), JournalCounter.objects.get().last)
    r = post(client, URL, {"items": [a.pk, b.pk]}, token)
    assert r.status_code == 409
    assert r.json()["code"] == "already_collected" and r.json()["items"] == [a.pk]
    # all or nothing: b was not registered either, and no number was used up
    assert BoxItem.objects.get(pk=b.pk).status == ItemStatus.IN_BOX
    after = (Appeal.objects.count(), Collection.objects.count(), JournalCounter.objects.get().last)
    assert after == before
    assert CollectionCounter.objects.get().last == 1


def test_k6_nothing_to_collect_is_422(demo: None, client: Client, token_for: Any) -> None:
    token = token_for("manager")
    r = post(client, URL, {}, token)
    assert r.status_code == 422 and r.json()["code"] == "nothing_to_collect"
    r = post(client, URL, {"items": []}, token)
    assert r.status_code == 422 and r.json()["code"] == "nothing_to_collect"
    take()
    assert post(client, URL, {}, token).status_code == 201
    r = post(client, URL, {}, token)  # the boxes were just emptied
    assert r.status_code == 422 and r.json()["code"] == "nothing_to_collect"
    assert Collection.objects.count() == 1


def test_k6_unknown_item_is_422_and_nothing_is_registered(
    demo: None, client: Client, token_for: Any
) -> None:
    a = take()
    r = post(client, URL, {"items": [a.pk, 999999]}, token_for("clerk"))
    assert r.status_code == 422 and r.json()["code"] == "unknown_items"
    assert not Appeal.objects.exists() and not Collection.objects.exists()
    r = post(client, URL, {"items": ["abc"]}, token_for("clerk"))
    assert r.status_code == 422


@pytest.mark.parametrize("username", ["operator", "head", "executor", "cc_operator", "cashier"])
def test_k6_only_the_chancellery_collects(
    demo: None, client: Client, token_for: Any, username: str
) -> None:
    take()
    token = token_for(username)
    assert post(client, URL, {}, token).status_code == 403
    assert BoxItem.objects.get().status == ItemStatus.IN_BOX
    assert not Appeal.objects.exists()


def test_k6_collections_and_acts_are_for_the_chancellery_only(
    demo: None, client: Client, token_for: Any
) -> None:
    take()
    coll_id = post(client, URL, {}, token_for("clerk")).json()["id"]
    for path in (f"{URL}/{coll_id}", f"{URL}/{coll_id}/act.pdf"):
        assert get(client, path, token_for("operator")).status_code == 403
        assert get(client, path, token_for("executor")).status_code == 403
    assert get(client, f"{URL}/{coll_id + 1}", token_for("clerk")).status_code == 404
