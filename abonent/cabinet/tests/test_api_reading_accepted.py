"""PC-1, C-2 row 2: POST /api/v1/readings stores a valid reading with an audit row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from abonent.cabinet.models import Meter, Reading
from abonent.core.models import AuditEntry

from .conftest import MARCH_10, Api, Clock, add_history


def body(value: object, **extra: object) -> dict[str, object]:
    return {
        "account": "100200300",
        "meter": "HW-1",
        "value": value,
        "source": "contact_center",
        **extra,
    }


def test_it_stores_the_reading_and_answers_201(cc: Api, meter: Meter, clock: Clock) -> None:
    add_history(meter, [100, 110, 120, 130])
    response = cc.post("/readings", body("00135"))
    assert response.status_code == 201, response.content
    reading = Reading.objects.get(meter=meter, period=date(2026, 3, 1))
    assert response.json() == {
        "id": reading.pk,
        "account": "100200300",
        "meter": "HW-1",
        "period": "2026-03",
        "value": "135",
        "consumption": "5",
        "rollover": False,
        "status": "accepted",
        "flag_reason": "",
        "source": "contact_center",
        "submitted_at": "2026-03-10T10:00:00+05:00",
        "replaced": False,
    }
    assert reading.submitted_at == MARCH_10
    assert reading.submitted_by is not None and reading.submitted_by.username == "cc1"
    entry = AuditEntry.objects.for_object(reading).get()
    assert (entry.action, entry.actor_label, entry.before) == ("reading.submitted", "cc1", None)
    assert entry.after["value"] == "135"


def test_a_json_number_is_taken_exactly(ivr: Api, meter: Meter, clock: Clock) -> None:
    response = ivr.post("/readings", {**body(135), "source": "ivr"})
    assert response.status_code == 201
    assert Reading.objects.get().value == Decimal(135)


def test_a_second_reading_in_the_period_replaces_the_first_and_audit_keeps_both(
    cc: Api, meter: Meter, clock: Clock
) -> None:
    add_history(meter, [100, 110, 120, 130])
    assert cc.post("/readings", body("139")).status_code == 201
    clock.tick(hours=2)
    response = cc.post("/readings", body("136"))
    assert response.status_code == 201
    assert response.json()["replaced"] is True
    reading = Reading.objects.get(meter=meter, period=date(2026, 3, 1))
    assert (reading.value, reading.consumption) == (Decimal(136), Decimal(6))
    assert Reading.objects.filter(meter=meter).count() == 5
    actions = list(
        AuditEntry.objects.for_object(reading)
        .order_by("at", "id")
        .values_list("action", "before", "after")
    )
    assert [a[0] for a in actions] == ["reading.submitted", "reading.replaced"]
    assert actions[1][1]["value"] == "139"
    assert actions[1][2]["value"] == "136"


def test_a_very_high_value_needs_confirmation_then_is_flagged(
    cc: Api, meter: Meter, clock: Clock
) -> None:
    add_history(meter, [100, 110, 120, 130])
    first = cc.post("/readings", body("200"))
    assert first.status_code == 422
    assert first.json()["code"] == "needs_confirmation"
    assert first.json()["consumption"] == "70"
    assert first.json()["average_monthly"] == "10.000"
    assert Reading.objects.filter(period=date(2026, 3, 1)).count() == 0
    confirmed = cc.post("/readings", body("200", confirm=True))
    assert confirmed.status_code == 201
    assert (confirmed.json()["status"], confirmed.json()["flag_reason"]) == (
        "needs_review",
        "high_consumption",
    )


def test_a_rollover_is_accepted_with_consumption_across_the_wrap(
    cc: Api, meter: Meter, clock: Clock
) -> None:
    add_history(meter, [99970, 99980, 99990])
    response = cc.post("/readings", body("00004"))
    assert response.status_code == 201
    assert (response.json()["consumption"], response.json()["rollover"]) == ("14", True)
