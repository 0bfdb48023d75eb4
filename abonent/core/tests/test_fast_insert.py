"""The hot paths' one-statement INSERT stores exactly what ``save()`` would (defaults, foreign
keys, JSON, text with Kazakh letters) on SQLite and PostgreSQL, in one statement, and steps
aside for models whose saves a signal listens to."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import post_save

from abonent.core.lib.fast_insert import insert
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
