"""K-6 pages: the operator's box with the live K-2 checklist, the Chancellery's collection
with overdue flags, a collection's page and its act; role checks and query caps."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from abonent.appeals.boxes.models import BoxItem, Collection, ItemStatus
from abonent.appeals.models import Appeal

from .helpers import PDF, TEXT, take

pytestmark = pytest.mark.django_db
BOX = "/staff/boxes/"
CHECK = "/staff/boxes/check/"
COLLECT = "/staff/boxes/collect/"

FORM = {
    "kind": "complaint",
    "applicant_type": "individual",
    "last_name": "Иванов",
    "first_name": "Иван",
    "phone": "+7 701 123 45 67",
    "email": "",
    "postal_address": "",
    "text": TEXT,
    "sheets": "2",
    "language": "",
}


def login(client: Client, username: str) -> Client:
    assert client.login(username=username, password="demo")
    return client


def test_k6_operator_sees_the_box_of_their_centre_only(demo: None, client: Client) -> None:
    mine = take("sc1", "operator", last_name="Своя")
    other = take("sc2", "head", last_name="Чужая")
    r = login(client, "operator").get(BOX)
    assert r.status_code == 200
    html = r.content.decode()
    assert mine.box_number in html and "Своя" in html
    assert other.box_number not in html and "Чужая" not in html
    assert 'hx-post="/staff/boxes/check/"' in html


def test_k6_operator_takes_an_appeal_with_a_scan_through_the_form(
    demo: None, client: Client
) -> None:
    login(client, "senior_operator")
    data = {**FORM, "scan": SimpleUploadedFile("скан.pdf", PDF, "application/pdf")}
    r = client.post(BOX, data)
    assert r.status_code == 302 and r["Location"] == BOX
    item = BoxItem.objects.get()
    assert (item.office.code, item.taken_by.username, item.complete) == (
        "sc1",
        "senior_operator",
        True,
    )
    assert item.scan_type == "application/pdf" and item.scan_name == "скан.pdf"
    assert item.phone == "+77011234567" and item.sheets == 2
    page = client.get(BOX).content.decode()
    assert item.box_number in page
    assert f"/staff/boxes/items/{item.pk}/slip/" in page


def test_k2_live_checklist_shows_what_is_missing_and_stores_nothing(
    demo: None, client: Client
) -> None:
    login(client, "operator")
    r = client.post(CHECK, {**FORM, "first_name": "", "phone": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'class="ok" data-check="surname"' in html
    assert 'class="missing" data-check="first_name"' in html
    assert 'class="missing" data-check="contact"' in html
    assert 'class="ok" data-check="substance"' in html
    r = client.post(CHECK, {**FORM, "applicant_type": "legal_entity", "email": "bad@"})
    html = r.content.decode()
    assert 'class="missing" data-check="signed"' in html
    assert "Enter a valid e-mail address." in html or "электронной почты" in html
    assert not BoxItem.objects.exists()


def test_k2_incomplete_appeal_goes_in_only_when_confirmed_and_is_marked(
    demo: None, client: Client
) -> None:
    login(client, "head")
    data = {**FORM, "applicant_type": "anonymous", "last_name": "", "first_name": "", "phone": ""}
    r = client.post(BOX, data)
    assert r.status_code == 422
    assert 'data-check="applicant_named"' in r.content.decode()
    assert not BoxItem.objects.exists()
    r = client.post(BOX, {**data, "accept_incomplete": "on"})
    assert r.status_code == 302
    item = BoxItem.objects.get()
    assert item.complete is False and item.accepted_incomplete is True
    assert item.failed_checks == ["applicant_named", "contact"]
    slip = client.get(f"/staff/boxes/items/{item.pk}/slip/")
    assert slip.status_code == 200 and item.box_number in slip.content.decode()


def test_k6_wrongly_filled_form_is_422_and_nothing_stored(demo: None, client: Client) -> None:
    login(client, "operator")
    for bad in ({"text": "  "}, {"email": "ivan@"}, {"sheets": "0"}, {"phone": "abc"}):
        r = client.post(BOX, {**FORM, **bad, "accept_incomplete": "on"})
        assert r.status_code == 422, bad
    fake = SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>", "application/pdf")
    r = client.post(BOX, {**FORM, "scan": fake})
    assert r.status_code == 422
    assert not BoxItem.objects.exists()


@pytest.mark.parametrize("username", ["executor", "cashier", "hall_admin", "cc_operator"])
def test_k6_staff_without_a_centre_box_get_403_on_the_box_page(
    demo: None, client: Client, username: str
) -> None:
    login(client, username)
    assert client.get(BOX).status_code == 403
    assert client.post(BOX, FORM).status_code == 403
    assert client.post(CHECK, FORM).status_code == 403
    assert not BoxItem.objects.exists()


def test_k6_chancellery_on_the_box_page_is_sent_to_the_collection(
    demo: None, client: Client
) -> None:
    r = login(client, "clerk").get(BOX)
    assert r.status_code == 302 and r["Location"] == COLLECT


def test_k6_anonymous_visitor_is_sent_to_log_in(demo: None, client: Client) -> None:
    for url in (BOX, COLLECT):
        r = client.get(url)
        assert r.status_code == 302 and "/staff/login/" in r["Location"]


def test_k6_collect_page_groups_by_centre_and_flags_overdue(demo: None, client: Client) -> None:
    now = timezone.now()
    fresh = take("sc1", "operator", taken_at=now - timedelta(minutes=1))
    old = take("sc2", "head", taken_at=now - timedelta(days=10), last_name="Старый")
    r = login(client, "chancellery").get(COLLECT)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-centre="sc1"' in html and 'data-centre="sc2"' in html
    assert html.index('data-centre="sc1"') < html.index('data-centre="sc2"')
    row_old = html[html.index(f'data-item="{old.pk}"') :]
    row_old = row_old[: row_old.index("</tr>")]
    row_fresh = html[html.index(f'data-item="{fresh.pk}"') :]
    row_fresh = row_fresh[: row_fresh.index("</tr>")]
    assert 'data-overdue="1"' in row_old and "Старый" in row_old
    assert 'data-overdue="1"' not in row_fresh
    assert f'name="items" value="{fresh.pk}"' in row_fresh and "checked" in row_fresh


def test_k6_collect_page_registers_the_selected_and_shows_the_collection(
    demo: None, client: Client
) -> None:
    a, b = take("sc1", "operator"), take("sc2", "head")
    login(client, "clerk")
    r = client.post(COLLECT, {"items": [str(a.pk)]})
    coll = Collection.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/staff/boxes/collections/{coll.pk}/"
    assert BoxItem.objects.get(pk=b.pk).status == ItemStatus.IN_BOX
    appeal = Appeal.objects.get()
    page = client.get(r["Location"]).content.decode()
    assert f'href="/staff/appeals/{appeal.pk}/"' in page and appeal.incoming_number in page
    assert f"/staff/boxes/collections/{coll.pk}/act.pdf" in page
    act = client.get(f"/staff/boxes/collections/{coll.pk}/act.pdf")
    assert act.status_code == 200 and act.content.startswith(b"%PDF-")
    # posting the same item again: 409 on the page, nothing registered
    r = client.post(COLLECT, {"items": [str(a.pk)]})
    assert r.status_code == 409
    assert Appeal.objects.count() == 1 and Collection.objects.count() == 1
    r = client.post(COLLECT, {})
    assert r.status_code == 422
    r = client.post(COLLECT, {"items": ["x"]})
    assert r.status_code == 422


@pytest.mark.parametrize("username", ["operator", "head", "executor"])
def test_k6_only_the_chancellery_sees_the_collection_pages(
    demo: None, client: Client, username: str
) -> None:
    take()
    login(client, username)
    assert client.get(COLLECT).status_code == 403
    assert client.post(COLLECT, {}).status_code == 403
    assert BoxItem.objects.get().status == ItemStatus.IN_BOX


def test_k6_slip_is_not_shown_to_another_centre(demo: None, client: Client) -> None:
    item = take("sc2", "head")
    login(client, "operator")
    assert client.get(f"/staff/boxes/items/{item.pk}/slip/").status_code == 403


def test_k6_page_query_counts_do_not_grow_with_items(
    demo: None, client: Client, django_assert_max_num_queries: Any
) -> None:
    for office in ("sc1", "sc2", "sc3", "sc4"):
        for _ in range(5):
            take(office, "operator")
    login(client, "chancellery")
    client.get(COLLECT)
    with django_assert_max_num_queries(7):
        assert client.get(COLLECT).status_code == 200
    from django.contrib.auth.models import User

    from abonent.appeals.boxes.services import collect_boxes

    coll = collect_boxes(actor=User.objects.get(username="clerk"))
    with django_assert_max_num_queries(7):
        assert client.get(f"/staff/boxes/collections/{coll.pk}/").status_code == 200
    client.logout()
    for _ in range(10):
        take("sc1", "operator")
    login(client, "operator")
    with django_assert_max_num_queries(7):
        assert client.get(BOX).status_code == 200
