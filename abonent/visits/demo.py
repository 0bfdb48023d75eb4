"""Demo visits for the users ``controller`` and ``engineer``: today's and tomorrow's
(working-day) visits for the employee's day page, one urgent, one planned far enough ahead
for its notice. Idempotent: it adds nothing when demo visits exist already."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from abonent.visits import rules, services
from abonent.visits.models import Channel, EmployeeCard, NoticeKind, Visit, VisitEmployee
from abonent.workdays.calendar import TIMEZONE
from abonent.workdays.services import get_calendar

DEMO_REASON_PREFIX = "[demo]"


def _at(day: Any, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TIMEZONE)


@transaction.atomic
def load_demo() -> int:
    """Returns how many visits were created. Visits of today are written directly (their
    notice term has passed: in real life they were planned a week ago); later ones go
    through ``plan_visit`` like any planner's."""
    User = get_user_model()
    if Visit.objects.filter(reason__startswith=DEMO_REASON_PREFIX).exists():
        return 0
    controller = User.objects.filter(username="controller").first()
    engineer = User.objects.filter(username="engineer").first()
    if controller is None or engineer is None:
        return 0
    planner = User.objects.filter(username="head").first()
    for u in (controller, engineer):
        EmployeeCard.objects.get_or_create(user=u)
    cal = get_calendar()
    now = services.now()
    today = now.astimezone(TIMEZONE).date()
    day = cal.next_working_day(today, inclusive=True)
    created = 0
    for hour, who, purpose, address in [
        (10, controller, "meter_check", "г. Астана, ул. Кенесары, 10, кв. 5"),
        (14, controller, "meter_seal", "г. Астана, пр. Республики, 22, кв. 41"),
        (11, engineer, "inspection", "г. Астана, ул. Сарайшык, 7, кв. 12"),
    ]:
        notify_by = rules.notify_by(cal, _at(day, hour))
        visit = Visit(
            contact_name="Демо Потребитель",
            phone="+77010000000",
            address=address,
            purpose=purpose,
            reason=f"{DEMO_REASON_PREFIX} плановая проверка",
            starts_at=_at(day, hour),
            ends_at=_at(day, hour + 1),
            notify_by=notify_by,
            created_by=planner,
        )
        visit.code_expires_at = services._code_expiry(visit)
        services._assign_code(visit)
        visit.save()
        VisitEmployee.objects.create(visit=visit, employee=who)
        services._queue_notices(
            visit, kind=NoticeKind.PLANNED, due_at=notify_by, channels=[Channel.LETTER]
        )
        created += 1
    later = rules.earliest_visit_day(cal, now)
    for data in [
        services.VisitInput(
            address="г. Астана, ул. Бейбітшілік, 3, кв. 8",
            purpose="meter_check",
            reason=f"{DEMO_REASON_PREFIX} проверка показаний",
            employees=["engineer"],
            starts_at=_at(later, 10),
            ends_at=_at(later, 12),
            phone="+77010000001",
            contact_name="Демо Тұтынушы",
            language="kk",
        ),
    ]:
        services.plan_visit(data=data, actor=planner)
        created += 1
    urgent_day = cal.next_working_day(today + timedelta(days=1), inclusive=True)
    services.plan_visit(
        data=services.VisitInput(
            address="г. Астана, ул. Достык, 1, кв. 2",
            purpose="disconnection",
            reason=f"{DEMO_REASON_PREFIX} аварийная ситуация",
            employees=["controller"],
            starts_at=_at(urgent_day, 9),
            ends_at=_at(urgent_day, 10),
            urgent=True,
            urgency_reason="Угроза безопасности: искрит вводной кабель",
            phone="+77010000002",
        ),
        actor=planner,
    )
    return created + 1
