"""404 and 500 pages in the visitor's language (#9 point 4)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from abonent import urls


def test_the_site_wires_its_own_handlers() -> None:
    assert urls.handler404 == "abonent.portal.views.page_not_found"
    assert urls.handler500 == "abonent.portal.views.server_error"


def test_404_in_kazakh(db: None, client: Client) -> None:
    client.cookies["abonent_lang"] = "kk"
    r = client.get("/no-such-page/")
    html = r.content.decode()
    assert r.status_code == 404
    assert '<html lang="kk">' in html
    assert "<h1>Бет табылмады</h1>" in html
    assert "<title>Бет табылмады — «Астанаэнергосбыт» ЖШС</title>" in html


def test_404_in_russian(db: None, client: Client) -> None:
    r = client.get("/no-such-page/")
    assert r.status_code == 404
    assert "<h1>Страница не найдена</h1>" in r.content.decode()


def test_500_in_kazakh_without_the_database(db: None, settings: Any) -> None:
    settings.ROOT_URLCONF = "abonent.portal.tests.urls_boom"
    client = Client(raise_request_exception=False)
    client.cookies["abonent_lang"] = "kk"
    r = client.get("/boom/")
    html = r.content.decode()
    assert r.status_code == 500
    assert '<html lang="kk">' in html
    assert "<h1>Сервер қатесі</h1>" in html


def test_500_in_russian(db: None, settings: Any) -> None:
    settings.ROOT_URLCONF = "abonent.portal.tests.urls_boom"
    client = Client(raise_request_exception=False)
    r = client.get("/boom/")
    assert r.status_code == 500
    assert "<h1>Ошибка сервера</h1>" in r.content.decode()
