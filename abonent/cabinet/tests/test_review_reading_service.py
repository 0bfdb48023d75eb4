"""Issue #7: a very high reading, confirmed, is flagged ``needs_review``; a controller accepts
it (it counts) or rejects it with a reason (kept, marked, no basis for the next reading),
once, with an audit row. A refused review changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from abonent.cabinet import services
from abonent.cabinet.models import Meter, Reading
from abonent.core.errors import DomainError
from abonent.core.models import AuditEntry
from abonent.core.roles import Role

from .conftest import Clock, add_history, make_user

MARCH = date(2026, 3, 1)


def flagged(meter: Meter) -> Reading:
    """History 100..140 (10 a month); 200 is 60, above 3x: confirmed, flagged."""
    add_history(meter, [100, 110, 120, 130, 140])
    done = services.submit_reading(
        account="100200300", meter="HW-1", value="200", source="contact_center",
        confirm=True, actor=None,
    )  # fmt: skip
    assert (done.reading.status, done.reading.flag_reason) == ("needs_review", "high_consumption")
    return done.reading


def test_accepting_makes_it_count_and_is_audited(meter: Meter, clock: Clock) -> None:
    reading = flagged(meter)
    controller = make_user("ctl", Role.CONTROLLER)
    services.review_reading(
        reading_id=reading.pk, decision="accept", note=" checked by phone ", actor=controller
    )
    reading.refresh_from_db()
    assert (reading.status, reading.reviewed_by, reading.review_note) == (
        "accepted",
        controller,
        "checked by phone",
    )
    assert reading.reviewed_at == clock.at
    entry = AuditEntry.objects.for_object(reading).get(action="reading.review_accepted")
    assert (entry.actor_label, entry.before["status"], entry.after["status"]) == (
        "ctl",
        "needs_review",
        "accepted",
    )
    assert (entry.after["value"], entry.note) == ("200", "checked by phone")


def test_a_rejection_needs_a_reason_and_changes_nothing_without_one(
    meter: Meter, clock: Clock
) -> None:
    reading = flagged(meter)
    with pytest.raises(DomainError) as err:
        services.review_reading(
            reading_id=reading.pk, decision="reject", note="  ", actor=make_user("c", None)
        )
    assert (err.value.code, err.value.status) == ("note_required", 422)
    reading.refresh_from_db()
    assert (reading.status, reading.reviewed_at) == ("needs_review", None)
    assert not AuditEntry.objects.filter(action__startswith="reading.review").exists()


def test_a_rejected_reading_is_no_basis_for_the_next(meter: Meter, clock: Clock) -> None:
    reading = flagged(meter)
    services.review_reading(
        reading_id=reading.pk, decision="reject", note="misread: 150", actor=None
    )
    reading.refresh_from_db()
    assert (reading.status, reading.review_note) == ("rejected", "misread: 150")
    # The same month again: 150 is compared with February's 140, not with the rejected 200.
    again = services.submit_reading(
        account="100200300", meter="HW-1", value="150", source="contact_center", actor=None
    )
    assert again.replaced is not None and again.replaced.pk == reading.pk
    reading.refresh_from_db()
    assert (reading.value, reading.consumption, reading.status) == (
        Decimal("150.000"),
        Decimal("10.000"),
        "accepted",
    )
    assert (reading.reviewed_at, reading.reviewed_by, reading.review_note) == (None, None, "")


def test_a_reading_is_reviewed_once(meter: Meter, clock: Clock) -> None:
    reading = flagged(meter)
    services.review_reading(reading_id=reading.pk, decision="accept", actor=None)
    with pytest.raises(DomainError) as err:
        services.review_reading(reading_id=reading.pk, decision="reject", note="x", actor=None)
    assert (err.value.code, err.value.status) == ("not_flagged", 409)
    reading.refresh_from_db()
    assert reading.status == "accepted"
    assert AuditEntry.objects.filter(action__startswith="reading.review").count() == 1


def test_an_unflagged_or_unknown_reading_cannot_be_reviewed(meter: Meter, clock: Clock) -> None:
    add_history(meter, [100, 110])
    ordinary = services.submit_reading(
        account="100200300", meter="HW-1", value="121", source="contact_center", actor=None
    ).reading
    with pytest.raises(DomainError) as err:
        services.review_reading(reading_id=ordinary.pk, decision="accept", actor=None)
    assert err.value.code == "not_flagged"
    with pytest.raises(DomainError) as missing:
        services.review_reading(reading_id=ordinary.pk + 1000, decision="accept", actor=None)
    assert (missing.value.code, missing.value.status) == ("not_found", 404)
    with pytest.raises(DomainError) as bad:
        services.review_reading(reading_id=ordinary.pk, decision="maybe", actor=None)
    assert bad.value.status == 422
    assert Reading.objects.get(pk=ordinary.pk).status == "accepted"


def test_a_reading_for_a_month_to_come_stays_counted_for_it(meter: Meter, clock: Clock) -> None:
    reading = flagged(meter)
    Reading.objects.filter(pk=reading.pk).update(period=date(2026, 4, 1))
    services.review_reading(reading_id=reading.pk, decision="accept", actor=None)
    assert Reading.objects.get(pk=reading.pk).status == "next_period"
