"""The audit log is append-only (architecture: cross-cutting rules)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from abonent.core import audit
from abonent.core.models import AuditEntry, Office

pytestmark = pytest.mark.django_db


def _entry(demo_office: Office) -> AuditEntry:
    with transaction.atomic():
        return audit.record(
            actor=get_user_model().objects.get(username="admin"),
            action="office.renamed",
            obj=demo_office,
            before={"name_ru": "Старое"},
            after={"name_ru": "Новое"},
        )


def test_a_row_keeps_who_what_and_before_after(demo: None) -> None:
    office = Office.objects.get(code="sc1")
    entry = _entry(office)
    entry.refresh_from_db()
    assert (entry.actor_label, entry.action, entry.object_type, entry.object_id) == (
        "admin",
        "office.renamed",
        "core.office",
        str(office.pk),
    )
    assert entry.before == {"name_ru": "Старое"} and entry.after == {"name_ru": "Новое"}
    assert list(AuditEntry.objects.for_object(office)) == [entry]


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_be_written_outside_a_transaction(demo: None) -> None:
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action="x", obj=Office.objects.get(code="sc1"))


def test_rows_cannot_be_changed_or_deleted_through_the_orm(demo: None) -> None:
    entry = _entry(Office.objects.get(code="sc1"))
    entry.action = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    entry.refresh_from_db()
    assert entry.action == "office.renamed"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgres_refuses_raw_updates_and_deletes(demo: None) -> None:
    entry = _entry(Office.objects.get(code="sc1"))
    for sql in (
        "UPDATE core_auditentry SET action = 'forged' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    entry.refresh_from_db()
    assert entry.action == "office.renamed"
