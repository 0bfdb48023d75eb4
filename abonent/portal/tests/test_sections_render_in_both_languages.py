"""W-7: every section is a page at a stable URL, in Russian and Kazakh, with the right lang
attribute, a heading and a meaningful title."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from abonent.portal.models import Page

# (url, h1 ru, h1 kk)
SECTIONS = [
    ("/internet-reception/", "Интернет-приёмная", "Интернет-қабылдау бөлмесі"),
    ("/individuals/", "Для физических лиц", "Жеке тұлғаларға"),
    ("/legal-entities/", "Для юридических лиц", "Заңды тұлғаларға"),
    ("/tariffs/", "Тарифы", "Тарифтер"),
    ("/common-house-needs/", "Общедомовые нужды", "Жалпы үйлік қажеттіліктер"),
    ("/management-reception/", "Приём граждан руководством", "Басшылықтың азаматтарды қабылдауы"),
    ("/legal/", "Правовые документы", "Құқықтық құжаттар"),
    ("/offices/", "Контакты и сервис-центры", "Байланыстар және сервис-орталықтар"),
    ("/vacancies/", "Вакансии", "Бос жұмыс орындары"),
    ("/faq/", "Вопросы и ответы", "Сұрақтар мен жауаптар"),
    ("/payment/", "Банковские реквизиты для оплаты", "Төлемге арналған банк деректемелері"),
    (
        "/suppliers/",
        "Информация для поставщиков и подрядчиков",
        "Жеткізушілер мен мердігерлерге арналған ақпарат",
    ),
    (
        "/about/",
        "Персональные данные и доступность сайта",
        "Дербес деректер және сайттың қолжетімділігі",
    ),
    ("/documents/", "Документы", "Құжаттар"),
    ("/", "Обслуживание потребителей", "Тұтынушыларға қызмет көрсету"),
]


def _h1(html: str) -> str:
    m = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert m, "no h1"
    return m.group(1).strip()


@pytest.mark.parametrize(("url", "ru", "kk"), SECTIONS)
def test_each_section_has_its_heading_lang_and_title_in_russian_and_kazakh(
    site: object, at: object, client: Client, url: str, ru: str, kk: str
) -> None:
    r = client.get(url)
    html = r.content.decode()
    assert r.status_code == 200
    assert '<html lang="ru">' in html
    assert _h1(html) == ru
    assert f"<title>{ru} — ТОО «Астанаэнергосбыт»</title>" in html

    client.cookies["abonent_lang"] = "kk"
    html = client.get(url).content.decode()
    assert '<html lang="kk">' in html
    assert _h1(html) == kk
    assert f"<title>{kk} — «Астанаэнергосбыт» ЖШС</title>" in html


def test_the_menu_links_every_section_of_w7(site: object, at: object, client: Client) -> None:
    html = client.get("/").content.decode()
    for href in [
        "/internet-reception/",
        "/individuals/",
        "/legal-entities/",
        "/tariffs/",
        "/common-house-needs/",
        "/management-reception/",
        "/legal/",
        "/offices/",
        "/vacancies/",
        "/faq/",
        "/payment/",
        "/feedback/",
        "/suppliers/",
        "/reception/",
        "/appeal-status/",
        "/cabinet/",
        "/visits/verify/",
    ]:
        assert f'href="{href}"' in html, href


def test_a_section_without_an_intro_page_still_shows_with_its_name(
    site: object, at: object, client: Client
) -> None:
    Page.objects.filter(slug="suppliers").delete()
    r = client.get("/suppliers/")
    assert r.status_code == 200
    assert _h1(r.content.decode()) == "Поставщикам и подрядчикам"


def test_contacts_has_a_stable_alias(client: Client, db: None) -> None:
    r = client.get("/contacts/")
    assert (r.status_code, r["Location"]) == (301, "/offices/")
