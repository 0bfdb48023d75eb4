"""Bad input: an e-mail address that cannot receive the notice (V-1) is refused with 422
``invalid_email`` when the visit is planned, instead of a notice that can only fail."""

from __future__ import annotations

import pytest

from abonent.visits.models import Visit, VisitNotice
from abonent.visits.tests.conftest import NEXT_TUESDAY, visit_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("email", ["not-an-email", "a@b@c.kz", "zhanna@example.kz\nBcc: x@y.kz"])
def test_a_bad_email_is_refused_and_nothing_is_planned(api_as, clock, email) -> None:
    res = api_as("head").post("", visit_body(NEXT_TUESDAY, email=email))
    assert res.status_code == 422
    assert res.json()["code"] == "invalid_email"
    assert list(res.json()["fields"]) == ["email"]
    assert Visit.objects.count() == 0
    assert VisitNotice.objects.count() == 0


def test_a_good_email_is_kept(api_as, clock) -> None:
    res = api_as("head").post("", visit_body(NEXT_TUESDAY, email=" zhanna@example.kz "))
    assert res.status_code == 201
    assert res.json()["email"] == "zhanna@example.kz"
