"""K-6 demo data: items in the boxes of two centres; loading twice changes nothing."""

from __future__ import annotations

import pytest

from abonent.appeals.boxes.demo import load_demo
from abonent.appeals.boxes.models import BoxItem

pytestmark = pytest.mark.django_db


def test_k6_demo_fills_two_boxes_and_is_idempotent(demo: None) -> None:
    load_demo()
    load_demo()
    items = BoxItem.objects.select_related("office", "taken_by")
    assert sorted({i.office.code for i in items}) == ["sc1", "sc2"]
    assert items.count() == 3
    assert {i.taken_by.username for i in items if i.office.code == "sc1"} == {"operator"}
    assert {i.taken_by.username for i in items if i.office.code == "sc2"} == {"senior_operator"}
    assert [i.complete for i in items.filter(office__code="sc1")] == [True, False]
