"""W-7 "content editable by staff without a deploy": the admin lists and adds every kind of
content, and what is added there is on the site at once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.portal.models import FaqEntry


@pytest.fixture
def admin_client(site: object, client: Client) -> Client:
    client.force_login(get_user_model().objects.get(username="admin"))
    return client


@pytest.mark.parametrize("model", ["page", "faqentry", "document", "tariff", "vacancy"])
def test_every_kind_of_content_has_a_list_and_an_add_form(admin_client: Client, model: str) -> None:
    assert admin_client.get(f"/admin/portal/{model}/").status_code == 200
    assert admin_client.get(f"/admin/portal/{model}/add/").status_code == 200


def test_a_question_added_in_the_admin_is_found_on_the_site(admin_client: Client) -> None:
    r = admin_client.post(
        "/admin/portal/faqentry/add/",
        {
            "section": "individuals",
            "question_ru": "Можно ли оплатить наличными?",
            "question_kk": "Қолма-қол төлеуге бола ма?",
            "answer_ru": "Да, в кассовом зале центрального офиса.",
            "answer_kk": "Иә, орталық кеңсенің кассалық залында.",
            "position": "0",
            "is_published": "on",
        },
    )
    assert r.status_code == 302
    assert FaqEntry.objects.get(question_ru="Можно ли оплатить наличными?").search_text.startswith(
        "можно ли оплатить наличными?"
    )
    html = Client().get("/faq/", {"q": "НАЛИЧНЫМИ"}).content.decode()
    assert "<summary>Можно ли оплатить наличными?</summary>" in html
