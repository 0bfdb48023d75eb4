"""V-3 and the rule for public endpoints: the check by visit code shows the employee's name,
position, service-ID number, the organisation and the visit's date and purpose — never the
consumer's name, address, phone, e-mail, account or the visit's reason."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from abonent.visits import rules
from abonent.visits.models import EmployeeCard, VerifyLookup
from abonent.visits.tests.conftest import NEXT_TUESDAY, code_of, plan

pytestmark = pytest.mark.django_db
CONSUMER_BITS = ["Жанна", "Тайная", "Секретная", "+77019998877", "zhanna@example.kz", "ГВС"]
# a 1x1 PNG
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_the_api_answer_has_exactly_the_public_fields(api_as, clock, client) -> None:
    visit = plan(NEXT_TUESDAY)
    res = client.get("/api/v1/visits/verify", {"code": rules.display_code(code_of(visit))})
    assert res.status_code == 200
    body = res.json()
    assert set(body) == {
        "valid",
        "organisation",
        "date",
        "time_from",
        "time_to",
        "purpose",
        "purpose_label",
        "employees",
    }
    assert body["valid"] is True
    assert body["date"] == "2026-12-01"
    assert (body["time_from"], body["time_to"]) == ("10:00", "12:00")
    assert body["purpose"] == "meter_check"
    assert body["organisation"] == "ТОО «Астанаэнергосбыт»"
    [employee] = body["employees"]
    assert set(employee) == {"name", "position", "employee_number", "photo_url"}
    assert employee["name"] == "Нурланов Асет"
    assert employee["position"] == "Контролер"
    assert employee["employee_number"].startswith("AES-")
    assert employee["photo_url"] is None
    text = res.content.decode()
    for bit in CONSUMER_BITS:
        assert bit not in text
    lookup = VerifyLookup.objects.get()
    assert (lookup.method, lookup.result, lookup.channel, lookup.visit_id) == (
        "code",
        "found",
        "api",
        visit.pk,
    )
    assert "127.0.0.1" not in lookup.client  # a keyed hash, not the address


def test_the_public_page_shows_the_employee_and_nothing_of_the_consumer(
    api_as, clock, client, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    visit = plan(NEXT_TUESDAY)
    card = EmployeeCard.objects.get(user__username="controller")
    card.photo.save("c.png", ContentFile(PNG))
    res = client.post("/visits/verify/", {"code": code_of(visit).lower()})
    assert res.status_code == 200
    html = res.content.decode()
    assert "Нурланов Асет" in html
    assert "Контролер" in html
    assert "01.12.2026" in html
    for bit in CONSUMER_BITS:
        assert bit not in html
    photo_src = html.split('<img src="', 1)[1].split('"', 1)[0]
    photo = client.get(photo_src)
    assert photo.status_code == 200
    assert b"".join(photo.streaming_content) == PNG
    assert client.get("/visits/photo/forged-token/").status_code == 404


def test_the_check_by_service_id_number_works_on_the_visit_day(api_as, clock, client) -> None:
    from abonent.core.models import StaffProfile

    visit = plan(NEXT_TUESDAY)
    number = StaffProfile.objects.get(user__username="controller").employee_number
    assert client.get("/api/v1/visits/verify", {"employee_number": number}).status_code == 404
    clock.set(NEXT_TUESDAY.replace(hour=9))
    res = client.get("/api/v1/visits/verify", {"employee_number": number.lower()})
    assert res.status_code == 200
    assert res.json()["employees"][0]["name"] == "Нурланов Асет"
    assert res.json()["purpose"] == "meter_check"
    assert VerifyLookup.objects.filter(employee__username="controller", result="found").count() == 1
    assert visit.pk == VerifyLookup.objects.get(result="found").visit_id
