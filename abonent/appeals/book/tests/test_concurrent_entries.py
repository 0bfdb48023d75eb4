"""Concurrent kiosk entries (threads with their own database connections; PostgreSQL in CI,
SQLite too): book numbers stay gapless per book, and one key sent at once from several
clients still makes one entry (B-1, K-3)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from abonent.appeals.book.models import BookEntry
from abonent.appeals.book.services import EntryInput, submit_entry
from abonent.appeals.book.tests.helpers import TEXT, book, key
from abonent.appeals.models import Appeal

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6


def run(work: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def wrapped() -> None:
        try:
            start.wait()
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_entries_get_gapless_numbers_in_their_book(books: None) -> None:
    target = book("sc2")

    def work() -> None:
        for _ in range(4):
            submit_entry(
                book=target,
                data=EntryInput(kind="complaint", text=TEXT, idempotency_key=key()),
                actor=None,
            )

    assert run(work) == []
    numbers = sorted(BookEntry.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * 4 + 1))
    assert Appeal.objects.count() == THREADS * 4


def test_one_key_sent_at_once_from_several_clients_makes_one_entry(books: None) -> None:
    target = book("sc2")
    data_key = key()
    got: list[int] = []

    def work() -> None:
        entry, _ = submit_entry(
            book=target,
            data=EntryInput(kind="complaint", text=TEXT, idempotency_key=data_key),
            actor=None,
        )
        got.append(entry.pk)

    assert run(work) == []
    assert (BookEntry.objects.count(), Appeal.objects.count()) == (1, 1)
    assert set(got) == {BookEntry.objects.get().pk}
    assert len(got) == THREADS
