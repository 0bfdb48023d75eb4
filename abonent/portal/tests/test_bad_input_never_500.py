"""Bad input (#9): unknown pages and languages, huge or hostile query strings → a proper 4xx
in the visitor's language, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from abonent.portal.models import Document, Section


@pytest.mark.parametrize(
    "url",
    [
        "/pages/no-such-page/",
        "/pages/%3Cscript%3E/",
        "/kk/faq/",
        "/xx/",
        "/individuals/extra/",
        "/documents/999999/",
        "/offices/nowhere/queue/",
    ],
)
def test_unknown_pages_are_404_with_the_sites_page(site: object, client: Client, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    assert "<h1>Страница не найдена</h1>" in r.content.decode()


def test_an_unknown_language_of_a_document_is_404(site: object, client: Client) -> None:
    doc = Document.objects.filter(section=Section.LEGAL).first()
    assert doc is not None
    assert client.get(f"/documents/{doc.pk}/xx/").status_code == 404
    assert client.get(f"/documents/{doc.pk}/..%2f..%2fetc/").status_code == 404


def test_an_unknown_language_in_the_switch_keeps_the_current_one(
    site: object, client: Client
) -> None:
    r = client.post("/i18n/setlang/", {"language": "xx", "next": "/tariffs/"})
    assert r.status_code == 302
    assert '<html lang="ru">' in client.get("/tariffs/").content.decode()


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"q": "а" * 101}, 400),
        ({"section": "nope"}, 400),
        ({"q": "%' OR 1=1 --"}, 200),
        ({"q": "\\%_"}, 200),
    ],
)
def test_hostile_searches_are_refused_or_harmless(
    site: object, client: Client, params: dict[str, str], status: int
) -> None:
    r = client.get("/faq/", params)
    assert r.status_code == status
    if status == 400:
        assert "Поиск не выполнен: исправьте запрос." in r.content.decode()
    else:
        assert "<details" not in r.content.decode()


def test_a_nul_character_is_400(site: object, client: Client) -> None:
    r = client.get("/faq/", {"q": "счёт\x00"})
    assert r.status_code == 400
    assert "<details" not in r.content.decode()


def test_too_many_query_parameters_are_400(site: object, client: Client) -> None:
    query = "&".join(f"p{n}=1" for n in range(1200))
    assert client.get(f"/faq/?{query}").status_code == 400


def test_a_long_query_string_on_any_page_is_ignored(
    site: object, at: object, client: Client
) -> None:
    assert client.get("/offices/?" + "x=" + "я" * 5000).status_code == 200
    assert client.get("/?q=<script>").status_code == 200


def test_posting_to_a_page_is_405(site: object, client: Client) -> None:
    assert client.post("/tariffs/").status_code == 405
