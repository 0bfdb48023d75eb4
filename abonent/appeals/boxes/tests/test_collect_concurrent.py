"""K-6: two clerks collecting at the same moment never register an item twice (threads with
their own connections; row locks on PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from abonent.appeals.boxes.models import BoxItem, Collection, ItemStatus
from abonent.appeals.boxes.services import collect_boxes
from abonent.appeals.models import Appeal
from abonent.core.errors import DomainError

from .helpers import take

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (boxes_dev)"
    ),
]
CLERKS = 6
ITEMS = 12


def _race(item_ids: list[int] | None) -> tuple[list[Collection], list[BaseException]]:
    users = list(get_user_model().objects.filter(username__in=["clerk", "chancellery"]))
    made: list[Collection] = []
    errors: list[BaseException] = []
    start = threading.Barrier(CLERKS)

    def work(n: int) -> None:
        try:
            start.wait()
            made.append(collect_boxes(actor=users[n % 2], item_ids=item_ids))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(CLERKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return made, errors


def _assert_each_item_registered_once() -> None:
    assert Appeal.objects.count() == ITEMS
    assert not BoxItem.objects.filter(status=ItemStatus.IN_BOX).exists()
    assert BoxItem.objects.filter(appeal__isnull=False).values("appeal").distinct().count() == ITEMS
    seqs = sorted(Appeal.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, ITEMS + 1))  # gapless: the losers rolled back


def test_k6_concurrent_collect_all_registers_each_item_once(demo: None) -> None:
    for n in range(ITEMS):
        take("sc1" if n % 2 else "sc2", "operator")
    made, errors = _race(None)
    assert len(made) == 1
    assert Collection.objects.get().items.count() == ITEMS
    assert all(isinstance(e, DomainError) and e.code == "nothing_to_collect" for e in errors)
    assert len(errors) == CLERKS - 1
    _assert_each_item_registered_once()


def test_k6_concurrent_collect_of_the_same_items_gives_409_to_the_others(demo: None) -> None:
    ids = [take().pk for _ in range(ITEMS)]
    made, errors = _race(ids)
    assert len(made) == 1 and len(errors) == CLERKS - 1
    assert all(isinstance(e, DomainError) and e.code == "already_collected" for e in errors)
    assert all(e.status == 409 for e in errors if isinstance(e, DomainError))
    _assert_each_item_registered_once()
    assert [c.number for c in Collection.objects.all()] == [made[0].number]
    assert made[0].seq == 1
