"""The demo content loader: every section has its text in both languages, real Kazakh, and
re-running creates nothing new (staff edits survive)."""

from __future__ import annotations

import re

from abonent.portal import demo as portal_demo
from abonent.portal.models import Document, FaqEntry, Page, Section
from abonent.portal.sections import PAGE_SECTIONS

KAZAKH = re.compile("[әғқңөұүһі]")


def test_every_section_has_an_intro_in_russian_and_kazakh(demo: None) -> None:
    created = portal_demo.load_demo(with_files=False)
    assert created == portal_demo.Created(pages=13, faq=12, documents=6, tariffs=8, vacancies=3)
    for s in [*PAGE_SECTIONS, Section.CONTACTS]:
        page = Page.objects.get(slug=s.value)
        assert page.section == s.value
        assert page.body_ru and KAZAKH.search(page.title_kk + page.body_kk), s
    assert all(KAZAKH.search(e.question_kk) for e in FaqEntry.objects.all())


def test_running_again_keeps_edits_and_adds_nothing(demo: None) -> None:
    portal_demo.load_demo(with_files=False)
    Page.objects.filter(slug="tariffs").update(title_ru="Изменено")
    assert portal_demo.load_demo(with_files=False) == portal_demo.Created(0, 0, 0, 0, 0)
    assert Page.objects.get(slug="tariffs").title_ru == "Изменено"


def test_with_files_the_documents_are_real_pdfs(db: None) -> None:
    portal_demo.load_demo()
    doc = Document.objects.get(title_ru="Порядок работы с потребителями")
    with doc.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert not doc.file_kk
    assert Document.objects.exclude(file_kk="").count() == 4
