"""Staff edit the information stand's texts in the Django admin (Q-1); tickets and
disputes are shown there read-only — they change only through the queue's actions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.core.models import Office
from abonent.equeue.models import InfoTopic, Ticket, TopicKind
from abonent.equeue.services import issue_ticket
from abonent.equeue.tests.conftest import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client: Client, demo: None) -> Client:
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_an_administrator_adds_a_topic_for_one_office(admin_client_: Client) -> None:
    sc1 = Office.objects.get(code="sc1")
    response = admin_client_.post(
        "/admin/equeue/infotopic/add/",
        {
            "office": sc1.pk,
            "kind": TopicKind.FAQ,
            "position": 5,
            "is_published": "on",
            "title_ru": "Где оплатить?",
            "body_ru": "В кассе.",
            "title_kk": "Қайда төлеуге болады?",
            "body_kk": "Кассада.",
        },
    )

    assert response.status_code == 302
    topic = InfoTopic.objects.get()
    assert (topic.office, topic.kind, topic.position, topic.title_kk) == (
        sc1,
        "faq",
        5,
        "Қайда төлеуге болады?",
    )


def test_tickets_are_listed_but_not_editable(admin_client_: Client, clock: Clock) -> None:
    ticket = issue_ticket(office_code="sc1", service_code="household", actor=None).ticket

    assert admin_client_.get("/admin/equeue/ticket/").status_code == 200
    assert admin_client_.get(f"/admin/equeue/ticket/{ticket.pk}/change/").status_code == 200
    assert admin_client_.get("/admin/equeue/ticket/add/").status_code == 403
    response = admin_client_.post(
        f"/admin/equeue/ticket/{ticket.pk}/change/", {"status": "done", "number": "Z999"}
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert (ticket.status, ticket.number) == ("waiting", "A001")
    assert admin_client_.get("/admin/equeue/dispute/").status_code == 200
    assert Ticket.objects.count() == 1
