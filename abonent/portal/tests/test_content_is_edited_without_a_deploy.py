"""W-7: staff edit pages, questions, vacancies in the admin; the site shows the change at
once, escapes what they type, and hides what is unpublished."""

from __future__ import annotations

from datetime import date

from django.test import Client

from abonent.portal.models import Page, Section, Vacancy


def test_an_edited_intro_is_shown_and_html_in_it_is_text(site: object, client: Client) -> None:
    Page.objects.filter(slug="common-house-needs").update(
        title_ru="ОДН", body_ru='## Новое\nТекст <img src=x onerror="alert(1)"> [ссылка](/faq/)'
    )
    html = client.get("/common-house-needs/").content.decode()
    assert "<h1>ОДН</h1>" in html
    assert "<title>ОДН — ТОО «Астанаэнергосбыт»</title>" in html
    assert (
        '<h2>Новое</h2>\n<p>Текст &lt;img src=x onerror=&quot;alert(1)&quot;&gt; <a href="/faq/">ссылка</a></p>'
        in html
    )


def test_kazakh_falls_back_to_russian_when_empty(site: object, client: Client) -> None:
    Page.objects.filter(slug="legal").update(title_kk="", body_kk="")
    client.cookies["abonent_lang"] = "kk"
    html = client.get("/legal/").content.decode()
    assert "<h1>Правовые документы</h1>" in html


def test_a_new_page_appears_in_its_section_and_at_its_address(site: object, client: Client) -> None:
    Page.objects.create(
        slug="outages",
        section=Section.INDIVIDUALS,
        title_ru="Плановые отключения",
        title_kk="Жоспарлы ажыратулар",
        body_ru="Список.",
    )
    assert (
        '<a href="/pages/outages/">Плановые отключения</a>'
        in client.get("/individuals/").content.decode()
    )
    r = client.get("/pages/outages/")
    assert r.status_code == 200
    assert "<h1>Плановые отключения</h1>" in r.content.decode()
    Page.objects.filter(slug="outages").update(is_published=False)
    assert client.get("/pages/outages/").status_code == 404
    assert "/pages/outages/" not in client.get("/individuals/").content.decode()


def test_a_sections_own_page_at_pages_redirects_to_the_section(
    site: object, client: Client
) -> None:
    r = client.get("/pages/tariffs/")
    assert (r.status_code, r["Location"]) == (301, "/tariffs/")


def test_closed_and_expired_vacancies_are_hidden(site: object, at: object, client: Client) -> None:
    Vacancy.objects.filter(title_ru="Инженер-энергетик").update(is_open=False)
    Vacancy.objects.filter(title_ru="Оператор контакт-центра").update(closes_on=date(2026, 11, 23))
    Vacancy.objects.filter(title_ru="Оператор сервис-центра").update(closes_on=date(2026, 11, 24))
    html = client.get("/vacancies/").content.decode()
    assert "Инженер-энергетик" not in html
    assert "Оператор контакт-центра" not in html
    assert "Оператор сервис-центра" in html
    assert "приём заявок до 24.11.2026" in html


def test_bank_details_come_from_the_company_settings(
    site: object, client: Client, monkeypatch: object
) -> None:
    import os

    os.environ["ABONENT_COMPANY_IBAN"] = "KZ123456789012345678"
    try:
        html = client.get("/payment/").content.decode()
    finally:
        del os.environ["ABONENT_COMPANY_IBAN"]
    assert "<code>KZ123456789012345678</code>" in html
    assert 'href="https://kaspi.kz/pay"' in html
