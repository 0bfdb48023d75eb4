"""V-3: the check by the number on the service ID confirms an employee only while one of
their visits of the day is still on — like a code, it ends with the visit (its end plus the
grace period); afterwards the answer is the same 404 as for a wrong number."""

from __future__ import annotations

from datetime import timedelta

import pytest

from abonent.core.models import StaffProfile
from abonent.visits.models import VerifyLookup
from abonent.visits.tests.conftest import NEXT_TUESDAY, plan

pytestmark = pytest.mark.django_db


def test_the_number_check_ends_when_the_days_visit_has_ended(
    api_as, clock, client, settings
) -> None:
    settings.ABONENT_VISITS_CODE_GRACE_MINUTES = 120
    plan(NEXT_TUESDAY)  # controller, 10:00-12:00
    number = StaffProfile.objects.get(user__username="controller").employee_number
    clock.set(NEXT_TUESDAY + timedelta(hours=3, minutes=59))
    ok = client.get("/api/v1/visits/verify", {"employee_number": number})
    assert ok.status_code == 200
    assert ok.json()["time_from"] == "10:00"
    clock.set(NEXT_TUESDAY + timedelta(hours=4))
    late = client.get("/api/v1/visits/verify", {"employee_number": number})
    wrong = client.get("/api/v1/visits/verify", {"employee_number": "AES-0000000"})
    assert late.status_code == wrong.status_code == 404
    assert late.json() == wrong.json()
    assert list(VerifyLookup.objects.order_by("id").values_list("result", flat=True)) == [
        "found",
        "not_found",
        "not_found",
    ]
