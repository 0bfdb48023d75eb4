"""D-2: a visit linked to an appeal is an on-site inspection; planning it moves the appeal
to 30 calendar days from receipt, through the registry's own service
(appeals.services.mark_needs_external_info)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model

from abonent.appeals.models import Appeal
from abonent.appeals.services import AppealInput, register_appeal
from abonent.core.models import AuditEntry
from abonent.visits.tests.conftest import ASTANA, NEXT_TUESDAY, visit_body

pytestmark = pytest.mark.django_db


def _appeal() -> Appeal:
    clerk = get_user_model().objects.get(username="chancellery")
    return register_appeal(
        data=AppealInput(
            channel="post",
            kind="complaint",
            text="Прошу проверить счётчик горячей воды в квартире.",
            applicant_type="individual",
            last_name="Иванов",
            first_name="Иван",
            postal_address="г. Астана, ул. Примерная, 1",
            received_at=datetime(2026, 11, 20, 10, 0, tzinfo=ASTANA),
        ),
        actor=clerk,
    )


def test_planning_an_inspection_moves_the_appeal_to_30_calendar_days(api_as, clock) -> None:
    appeal = _appeal()
    assert appeal.due_date == date(2026, 12, 11)  # 15 working days (D-1)
    res = api_as("head").post(
        "", visit_body(NEXT_TUESDAY, purpose="inspection", appeal=appeal.incoming_number)
    )
    assert res.status_code == 201, res.json()
    assert res.json()["appeal"] == appeal.incoming_number
    appeal.refresh_from_db()
    assert appeal.needs_external_info is True
    # 20 November + 30 days = Sunday 20 December, moved to Monday 21 December
    assert appeal.due_date_unadjusted == date(2026, 12, 20)
    assert appeal.due_date == date(2026, 12, 21)
    assert AuditEntry.objects.filter(action="appeal.needs_external_info").count() == 1


def test_a_refused_visit_leaves_the_appeal_alone(api_as, clock) -> None:
    appeal = _appeal()
    res = api_as("head").post(
        "",
        visit_body(
            NEXT_TUESDAY.replace(hour=7), purpose="inspection", appeal=appeal.incoming_number
        ),
    )
    assert res.status_code == 422
    appeal.refresh_from_db()
    assert appeal.needs_external_info is False
    assert appeal.due_date == date(2026, 12, 11)
