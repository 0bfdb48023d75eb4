"""A ticket's steps (``TicketEvent``) are the queue's busiest table: every call, start and
finish writes one. Their redirection columns (from/to service, from/to window) are set on
redirections only, so they are indexed where set, and the window by the call index that
starts with it (#5: fewer index entries per step). The deletion check of a service or a
window (``PROTECT``) must still find its steps by an index."""

from __future__ import annotations

import pytest
from django.db import connection

from abonent.core.models import Office, Service, Window
from abonent.equeue.models import TicketEvent
from abonent.equeue.tests.test_busy_window_reads_its_index_pg import generic_plan, scans

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [TicketEvent._meta.db_table],
        )
        return dict(cursor.fetchall())


def test_redirection_columns_are_indexed_where_set_and_the_window_by_the_call_index() -> None:
    found = indexes()
    for name in ("from_service", "to_service", "from_window", "to_window"):
        definitions = [d for d in found.values() if f"({name}_id)" in d]
        assert (
            definitions == [definitions[0]] and f"WHERE ({name}_id IS NOT NULL)" in definitions[0]
        ), name
    on_window = [d for d in found.values() if "(window_id" in d]
    assert len(on_window) == 1 and "(window_id, action, at)" in on_window[0], on_window


@pytest.mark.parametrize(
    ("model", "fields"),
    [(Service, ("from_service", "to_service")), (Window, ("from_window", "to_window"))],
)
def test_deleting_a_service_or_window_finds_its_steps_by_an_index(
    sc1: Office, model: type[Service | Window], fields: tuple[str, ...]
) -> None:
    target = model.objects.filter(office=sc1).first()
    assert target is not None
    for name in fields:
        # The query of Django's deletion collector for PROTECT (an IN of the ids).
        query = TicketEvent.objects.filter(**{f"{name}__in": [target.pk]})
        sql, values = query.query.sql_with_params()
        read = scans(generic_plan(sql, list(values), plans={"enable_seqscan": "off"}))
        assert ("Index Scan", f"equeue_event_{name}") in read or (
            "Bitmap Index Scan",
            f"equeue_event_{name}",
        ) in read, read
