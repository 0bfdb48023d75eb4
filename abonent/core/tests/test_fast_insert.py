"""The hot paths' one-statement INSERT stores exactly what ``save()`` would (defaults, foreign
keys, JSON, text with Kazakh letters) on SQLite and PostgreSQL, in one statement, and steps
aside for models whose saves a signal listens to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models.signals import post_save

from abonent.calls.ivr.models import IvrSession
from abonent.core.lib.fast_insert import insert, insert_or_lock, lock, update
from abonent.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_row_inserted_reads_back_as_saved(django_assert_num_queries: Any) -> None:
    user = get_user_model().objects.create(username="clerk")
    entry = AuditEntry(
        actor=user,
        actor_label="clerk",
        action="reading.submitted",
        object_type="cabinet.reading",
        object_id="42",
        before=None,
        after={"value": "123.4", "note": "Өтініш қабылданды"},
        note="ҚҰҮҒ",
    )
    with django_assert_num_queries(1):
        assert insert(entry) is entry
    assert entry.pk is not None and not entry._state.adding
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.actor_id, stored.action, stored.object_id, stored.note) == (
        user.pk,
        "reading.submitted",
        "42",
        "ҚҰҮҒ",
    )
    assert stored.after == {"value": "123.4", "note": "Өтініш қабылданды"}
    assert stored.before is None
    assert stored.at == entry.at  # the field's default, as save() stores it


def test_two_rows_get_two_keys() -> None:
    first = insert(AuditEntry(action="a", object_type="t", object_id="1"))
    second = insert(AuditEntry(action="b", object_type="t", object_id="2"))
    assert first.pk != second.pk
    assert AuditEntry.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


def test_a_model_with_a_save_listener_is_saved_normally() -> None:
    heard: list[Any] = []

    def listener(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        heard.append((instance.name, created))

    post_save.connect(listener, sender=Group, weak=False)
    try:
        insert(Group(name="listened"))
    finally:
        post_save.disconnect(listener, sender=Group)
    assert heard == [("listened", True)]
    assert Group.objects.filter(name="listened").exists()


def test_an_unsaved_related_object_is_refused_as_save_refuses_it() -> None:
    ghost = get_user_model()(username="ghost")
    with pytest.raises(ValueError, match="unsaved related object"):
        insert(AuditEntry(actor=ghost, action="a", object_type="t", object_id="1"))
    assert not AuditEntry.objects.filter(action="a").exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_insert_or_lock_inserts_once_then_returns_the_stored_row(
    django_assert_num_queries: Any,
) -> None:
    """The IVR's first step: one statement creates the session, or finds (and locks) the one
    a first delivery of the same step made, as it was stored, JSON and times included."""

    at = datetime(2026, 3, 17, 5, 0, tzinfo=UTC)
    with django_assert_num_queries(1):
        first = insert_or_lock(
            IvrSession(session_id="S-1", caller="+77011234567", started_at=at), "session_id"
        )
    assert first is not None and first.pk is not None and not first._state.adding
    IvrSession.objects.filter(pk=first.pk).update(state={"reading": {"meter": "Ә-1"}}, last_seq=3)
    later = datetime(2026, 3, 17, 6, 0, tzinfo=UTC)
    with django_assert_num_queries(1):
        again = insert_or_lock(
            IvrSession(session_id="S-1", caller="other", started_at=later), "session_id"
        )
    assert again is not None and again.pk == first.pk
    assert (again.caller, again.started_at, again.last_seq) == ("+77011234567", at, 3)
    assert again.state == {"reading": {"meter": "Ә-1"}}
    assert IvrSession.objects.count() == 1


def test_insert_or_lock_leaves_other_databases_to_the_orm() -> None:

    made = insert_or_lock(IvrSession(session_id="S-2"), "session_id")
    if connection.vendor == "postgresql":
        assert made is not None and made.session_id == "S-2"
    else:
        assert made is None and not IvrSession.objects.exists()


def test_lock_and_update_read_and_store_what_the_orm_would(
    django_assert_num_queries: Any,
) -> None:
    """The IVR's later steps: the session locked by its PBX id and stored back, one
    written-out statement each on PostgreSQL, the ORM's way elsewhere."""

    at = datetime(2026, 3, 17, 5, 0, tzinfo=UTC)
    IvrSession.objects.create(session_id="S-3", caller="+77011234567", started_at=at)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        with django_assert_num_queries(1 if postgres else 0):
            written_out, session = lock(IvrSession, "session_id", "S-3")
        assert written_out is postgres
        if not postgres:
            session = IvrSession.objects.select_for_update().get(session_id="S-3")
        assert session is not None and session.started_at == at
        session.state = {"reading": {"meter": "Ә-1"}}
        session.last_seq, session.language = 2, "kk"
        with django_assert_num_queries(1):
            update(session)
        assert lock(IvrSession, "session_id", "nobody") == (postgres, None)
    stored = IvrSession.objects.get(session_id="S-3")
    assert (stored.state, stored.last_seq, stored.language, stored.caller) == (
        {"reading": {"meter": "Ә-1"}},
        2,
        "kk",
        "+77011234567",
    )
