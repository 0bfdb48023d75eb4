"""/sitemap.xml lists every public section and published page; robots.txt points to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.test import Client

from abonent.portal.models import Page, Section

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _locs(client: Client) -> list[str]:
    r = client.get("/sitemap.xml")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/xml")
    root = ET.fromstring(r.content)
    return [el.text or "" for el in root.iter(f"{NS}loc")]


def test_every_section_and_page_is_listed_once(site: object, client: Client) -> None:
    locs = _locs(client)
    base = "http://testserver"
    expected = [
        "/",
        "/offices/",
        "/internet-reception/",
        "/individuals/",
        "/legal-entities/",
        "/tariffs/",
        "/common-house-needs/",
        "/management-reception/",
        "/legal/",
        "/vacancies/",
        "/payment/",
        "/suppliers/",
        "/about/",
        "/faq/",
        "/documents/",
        "/feedback/",
        "/appeal-status/",
        "/reception/",
        "/cabinet/sign-in/",
        "/pages/home-visits/",
    ]
    assert locs == [base + u for u in expected]


def test_unpublished_pages_are_left_out_and_new_ones_appear(site: object, client: Client) -> None:
    Page.objects.filter(slug="home-visits").update(is_published=False)
    Page.objects.create(slug="outage-map", section=Section.INDIVIDUALS, title_ru="Карта отключений")
    locs = _locs(client)
    assert "http://testserver/pages/home-visits/" not in locs
    assert locs[-1] == "http://testserver/pages/outage-map/"


def test_robots_names_the_sitemap(db: None, client: Client) -> None:
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Disallow: /staff/" in body
