"""The public pages of the registry: the website's feedback form (W-1, K-2, K-4) and the
status check by number and access code."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import translation

from abonent.appeals.codes import Status
from abonent.appeals.models import Appeal

pytestmark = pytest.mark.django_db

TEXT = "Прошу сделать перерасчёт начислений за горячую воду за октябрь 2026 года."
KK_TEXT = "Қазан айындағы ыстық су үшін төлемді қайта есептеуді сұраймын, рахмет сізге."


def form(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "applicant_type": "individual",
        "last_name": "Иванов",
        "first_name": "Иван",
        "email": "ivan@example.kz",
        "phone": "8 701 123 45 67",
        "kind": "complaint",
        "topic": "4",
        "text": TEXT,
        "consent": "on",
    }
    data.update(over)
    return data


def in_language(client: Client, lang: str) -> Client:
    client.cookies["abonent_lang"] = lang
    return client


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    cache.clear()


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_it_renders_the_form_in_the_page_language(demo: None, client: Client, lang: str) -> None:
    r = in_language(client, lang).get("/feedback/")
    assert r.status_code == 200
    assert f'<html lang="{lang}">' in r.content.decode()
    assert 'name="consent"' in r.content.decode()
    assert 'name="applicant_type"' in r.content.decode()


def test_a_complete_submission_registers_one_appeal_and_shows_its_number_and_code(
    demo: None, client: Client
) -> None:
    r = in_language(client, "kk").post("/feedback/", form(text=KK_TEXT), follow=True)
    assert r.status_code == 200
    assert r.redirect_chain == [("/feedback/sent/", 302)]
    (appeal,) = Appeal.objects.all()
    page = r.content.decode()
    assert appeal.incoming_number in page
    assert appeal.access_code in page
    assert appeal.due_date.strftime("%d.%m.%Y") in page
    assert appeal.registered_on.strftime("%d.%m.%Y") in page
    assert f"/appeal-status/?number={appeal.incoming_number}" in page
    assert (appeal.channel, appeal.kind, appeal.language, appeal.topic.number) == (
        "web",
        "complaint",
        "kk",
        4,
    )
    assert appeal.consent_version == "2026-11-1" and appeal.consent_at is not None
    assert (appeal.phone, appeal.email, appeal.registered_by) == (
        "+77011234567",
        "ivan@example.kz",
        None,
    )


def test_a_legal_entity_gives_its_name_number_date_contacts_and_signature(
    demo: None, client: Client
) -> None:
    data = form(
        applicant_type="legal_entity",
        last_name="",
        first_name="",
        org_name="ТОО «Ромашка»",
        outgoing_number="15/2",
        outgoing_date="2026-11-20",
        signed="on",
    )
    r = client.post("/feedback/", data)
    assert r.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.applicant_type, appeal.org_name, appeal.outgoing_number, appeal.signed) == (
        "legal_entity",
        "ТОО «Ромашка»",
        "15/2",
        True,
    )


def test_a_missing_surname_is_refused_and_nothing_is_stored(demo: None, client: Client) -> None:
    r = in_language(client, "en").post("/feedback/", form(last_name=""))
    assert r.status_code == 422
    assert "Please fill in the required fields." in r.content.decode()
    assert r.context["form"].errors["last_name"] == ["This field is required."]
    assert Appeal.objects.count() == 0


def test_an_unsigned_legal_entity_appeal_is_refused(demo: None, client: Client) -> None:
    data = form(applicant_type="legal_entity", org_name="ТОО «Ромашка»", outgoing_number="1")
    r = in_language(client, "en").post("/feedback/", data)
    assert r.status_code == 422
    errors = r.context["form"].errors
    assert errors["outgoing_date"] == ["This field is required."]
    assert errors["signed"] == ["The appeal must be signed."]
    assert Appeal.objects.count() == 0


def test_without_consent_nothing_is_stored(demo: None, client: Client) -> None:
    data = form()
    del data["consent"]
    r = client.post("/feedback/", data)
    assert r.status_code == 422
    assert "consent" in r.context["form"].errors
    assert Appeal.objects.count() == 0


def test_a_bad_phone_is_refused_like_the_api_does(demo: None, client: Client) -> None:
    r = in_language(client, "en").post("/feedback/", form(phone="call me"))
    assert r.status_code == 422
    assert r.context["form"].errors["phone"] == ["Enter a valid phone number."]
    assert Appeal.objects.count() == 0


def test_markup_in_the_fields_is_shown_escaped(demo: None, client: Client) -> None:
    evil = '<script>alert("x")</script>'
    r = client.post("/feedback/", form(last_name=evil, text=TEXT + evil), follow=True)
    page = r.content.decode()
    assert evil not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page

    staff = Client()
    staff.login(username="chancellery", password="demo")
    page = staff.get("/staff/appeals/").content.decode()
    assert evil not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Иван" in page


def test_the_receipt_page_belongs_to_the_session_that_sent_the_appeal(
    demo: None, client: Client
) -> None:
    client.post("/feedback/", form())
    assert Client().get("/feedback/sent/").status_code == 302


def _registered(client: Client) -> Appeal:
    assert client.post("/feedback/", form()).status_code == 302
    return Appeal.objects.get()


def test_the_status_page_shows_the_status_for_the_right_code(demo: None, client: Client) -> None:
    appeal = _registered(client)
    r = in_language(Client(), "en").post(
        "/appeal-status/", {"number": appeal.incoming_number, "code": appeal.access_code.lower()}
    )
    assert r.status_code == 200
    page = r.content.decode()
    with translation.override("en"):
        assert str(Status.REGISTERED.label) in page
    assert appeal.due_date.strftime("%d.%m.%Y") in page
    assert "Иванов" not in page and "ivan@example.kz" not in page


def test_a_wrong_code_and_a_wrong_number_look_the_same(demo: None, client: Client) -> None:
    appeal = _registered(client)
    anonymous = in_language(Client(), "en")
    wrong_code = anonymous.post(
        "/appeal-status/", {"number": appeal.incoming_number, "code": "WRONG123"}
    )
    wrong_number = anonymous.post(
        "/appeal-status/", {"number": "2000-000999", "code": appeal.access_code}
    )
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert wrong_code.context["form"].non_field_errors() == ["No appeal with this number and code."]
    assert wrong_number.context["form"].non_field_errors() == [
        "No appeal with this number and code."
    ]
    with translation.override("en"):
        assert str(Status.REGISTERED.label) not in wrong_code.content.decode()


def test_the_status_link_prefills_the_number(demo: None, client: Client) -> None:
    r = client.get("/appeal-status/?number=2026-000001")
    assert re.search(r'name="number"[^>]*value="2026-000001"', r.content.decode())


@override_settings(ABONENT_RATE_LIMITS=True)
def test_the_form_answers_429_after_the_limit(demo: None, client: Client) -> None:
    statuses = [client.post("/feedback/", {}).status_code for _ in range(20)]
    assert statuses == [422] * 20
    r = client.post("/feedback/", form())
    assert r.status_code == 429
    assert int(r["Retry-After"]) > 0
    assert Appeal.objects.count() == 0


@override_settings(ABONENT_RATE_LIMITS=True)
def test_the_status_check_answers_429_after_the_limit(demo: None, client: Client) -> None:
    data = {"number": "2026-000001", "code": "ABCDEFGH"}
    statuses = [client.post("/appeal-status/", data).status_code for _ in range(30)]
    assert statuses == [404] * 30
    assert client.post("/appeal-status/", data).status_code == 429
