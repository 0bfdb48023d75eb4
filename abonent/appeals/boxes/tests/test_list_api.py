"""K-6: what waits in the boxes, with the overdue flag; personal data only for the roles
that handle the appeal (the Chancellery and the centre's own staff)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from abonent.appeals.boxes.services import collect_boxes

from .helpers import get, take

pytestmark = pytest.mark.django_db
URL = "/api/v1/boxes/items"


def _by_id(r: Any) -> dict[int, dict[str, Any]]:
    assert r.status_code == 200, r.content
    return {i["id"]: i for i in r.json()["items"]}


def test_k6_items_carry_the_overdue_flag(demo: None, client: Client, token_for: Any) -> None:
    now = timezone.now()
    fresh = take(taken_at=now - timedelta(minutes=5))
    old = take("sc2", "head", taken_at=now - timedelta(days=10))
    items = _by_id(get(client, f"{URL}?status=in_box", token_for("chancellery")))
    assert items[fresh.pk]["overdue"] is False
    assert items[old.pk]["overdue"] is True


def test_k6_filters_by_status_and_office(demo: None, client: Client, token_for: Any) -> None:
    a, b = take(), take("sc2", "head")
    collect_boxes(actor=User.objects.get(username="clerk"), item_ids=[a.pk])
    c = take()
    token = token_for("clerk")
    assert set(_by_id(get(client, f"{URL}?status=in_box", token))) == {b.pk, c.pk}
    assert set(_by_id(get(client, f"{URL}?status=collected", token))) == {a.pk}
    assert set(_by_id(get(client, f"{URL}?status=in_box&office=sc1", token))) == {c.pk}
    collected = _by_id(get(client, f"{URL}?status=collected", token))[a.pk]
    assert collected["overdue"] is False and collected["incoming_number"]
    r = get(client, f"{URL}?status=lost", token)
    assert r.status_code == 422


def test_k6_paging(demo: None, client: Client, token_for: Any) -> None:
    ids = [take().pk for _ in range(3)]
    token = token_for("clerk")
    page1 = get(client, f"{URL}?limit=2", token).json()
    assert [i["id"] for i in page1["items"]] == ids[:2]
    assert page1["count"] == 3 and page1["next_offset"] == 2
    page2 = get(client, f"{URL}?limit=2&offset=2", token).json()
    assert [i["id"] for i in page2["items"]] == ids[2:] and page2["next_offset"] is None


@pytest.mark.parametrize(
    ("username", "sees_sc1", "sees_sc2"),
    [
        ("chancellery", True, True),
        ("clerk", True, True),
        ("manager", True, True),
        ("operator", True, False),  # sc1's operator: only the centre's own appeals
        ("head", True, False),
        ("executor", False, False),
        ("cashier", False, False),
        ("cc_operator", False, False),
        ("hall_admin", False, False),  # central office: no box of its own
    ],
)
def test_k6_personal_data_by_role(
    demo: None, client: Client, token_for: Any, username: str, sees_sc1: bool, sees_sc2: bool
) -> None:
    one, two = take(), take("sc2", "head")
    items = _by_id(get(client, URL, token_for(username)))
    for item, sees in ((items[one.pk], sees_sc1), (items[two.pk], sees_sc2)):
        if sees:
            assert item["applicant"]["last_name"] == "Иванов"
            assert item["applicant"]["phone"] == "+77011234567"
            assert item["text"]
        else:
            assert item["applicant"] is None and item["text"] is None
            assert "Иванов" not in str(item) and "+7701" not in str(item)
        assert item["applicant_type"] == "individual" and item["box_number"]


def test_k6_integration_tokens_cannot_read_the_boxes(
    demo: None, client: Client, token_for: Any
) -> None:
    from django.contrib.auth.models import Group

    bot = User.objects.create(username="pbx")
    bot.groups.add(Group.objects.get(name="integration"))
    take()
    assert get(client, URL, token_for("pbx")).status_code == 403
    assert get(client, URL).status_code == 401


def test_k6_list_query_count_does_not_grow_with_items(
    demo: None, client: Client, token_for: Any, django_assert_max_num_queries: Any
) -> None:
    for office in ("sc1", "sc2", "sc3"):
        for _ in range(5):
            take(office, "operator")
    collect_boxes(actor=User.objects.get(username="clerk"), item_ids=None)
    for _ in range(5):
        take()
    token = token_for("operator")
    get(client, URL, token)  # warm the per-process calendar snapshot
    with django_assert_max_num_queries(8):
        r = get(client, URL, token)
    assert len(r.json()["items"]) == 20
