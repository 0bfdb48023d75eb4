"""Questions and answers (Q-1, W-7): searchable in both languages ignoring case (Cyrillic
too, on SQLite and PostgreSQL), filtered by section, and the query is shown back escaped."""

from __future__ import annotations

import re

from django.test import Client

from abonent.portal.models import FaqEntry, Section


def _questions(html: str) -> list[str]:
    return re.findall(r"<summary>(.*?)</summary>", html)


def test_a_capitalised_russian_word_finds_the_russian_question(
    site: object, client: Client
) -> None:
    r = client.get("/faq/", {"q": "ПОКАЗАНИЯ"})
    assert r.status_code == 200
    assert _questions(r.content.decode()) == ["Как передать показания счётчика горячей воды?"]


def test_a_kazakh_word_finds_the_entry_from_the_russian_page(site: object, client: Client) -> None:
    r = client.get("/faq/", {"q": "Көрсеткіштерін"})
    assert _questions(r.content.decode()) == ["Как передать показания счётчика горячей воды?"]


def test_the_kazakh_page_shows_the_kazakh_question(site: object, client: Client) -> None:
    client.cookies["abonent_lang"] = "kk"
    r = client.get("/faq/", {"q": "показания"})
    assert _questions(r.content.decode()) == [
        "Ыстық су есептегішінің көрсеткіштерін қалай беруге болады?"
    ]


def test_every_word_must_match_and_the_section_filter_narrows(site: object, client: Client) -> None:
    both = _questions(client.get("/faq/", {"q": "фактуры копию"}).content.decode())
    assert both == ["Как получить копию счёта-фактуры?"]
    none = _questions(
        client.get("/faq/", {"q": "фактуры", "section": Section.INDIVIDUALS}).content.decode()
    )
    assert none == []


def test_unpublished_entries_are_not_found(site: object, client: Client) -> None:
    FaqEntry.objects.filter(question_ru__startswith="Как получить копию").update(is_published=False)
    assert _questions(client.get("/faq/", {"q": "фактуры"}).content.decode()) == []


def test_a_script_in_the_query_is_escaped_everywhere(site: object, client: Client) -> None:
    q = '<script>alert("x")</script>'
    r = client.get("/faq/", {"q": q})
    html = r.content.decode()
    assert r.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert _questions(html) == []


def test_an_edit_in_the_admin_is_searchable_at_once(site: object, client: Client) -> None:
    e = FaqEntry.objects.get(question_ru__startswith="Где узнать начисления")
    e.answer_kk = "Ескі ЖАУАП"
    e.save()
    assert _questions(client.get("/faq/", {"q": "жауап ескі"}).content.decode()) == [
        "Где узнать начисления, задолженность и оплату?"
    ]


def test_e_finds_yo_and_yo_finds_e(site: object, client: Client) -> None:
    by_e = _questions(client.get("/faq/", {"q": "счета-фактуры"}).content.decode())
    by_yo = _questions(client.get("/faq/", {"q": "СЧЁТА-ФАКТУРЫ"}).content.decode())
    assert by_e == by_yo == ["Как получить копию счёта-фактуры?"]
