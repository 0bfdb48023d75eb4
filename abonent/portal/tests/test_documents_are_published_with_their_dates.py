"""Documents as files with their publication dates (W-7 legal documents, W-8 openness):
served only when published, the Kazakh version when there is one, never as HTML."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client

from abonent.portal.models import Document, Section


@pytest.fixture
def doc(db: None) -> Document:
    d = Document(
        section=Section.LEGAL, title_ru="Положение", title_kk="Ереже", published_on=date(2026, 3, 2)
    )
    d.file.save("polozhenie.pdf", ContentFile(b"%PDF-1.4 ru"), save=False)
    d.file_kk.save("ereje.pdf", ContentFile(b"%PDF-1.4 kk"), save=False)
    d.save()
    return d


def _body(r: object) -> bytes:
    return b"".join(r.streaming_content)  # type: ignore[attr-defined]


def test_the_file_in_the_readers_language(doc: Document, client: Client) -> None:
    r = client.get(f"/documents/{doc.pk}/ru/")
    assert (r.status_code, r["Content-Type"], _body(r)) == (200, "application/pdf", b"%PDF-1.4 ru")
    assert _body(client.get(f"/documents/{doc.pk}/kk/")) == b"%PDF-1.4 kk"
    client.cookies["abonent_lang"] = "kk"
    assert _body(client.get(f"/documents/{doc.pk}/")) == b"%PDF-1.4 kk"


def test_without_a_kazakh_file_the_russian_one_is_served(doc: Document, client: Client) -> None:
    doc.file_kk = ""
    doc.save()
    assert _body(client.get(f"/documents/{doc.pk}/kk/")) == b"%PDF-1.4 ru"


def test_an_unpublished_or_missing_file_is_404(doc: Document, client: Client) -> None:
    Document.objects.filter(pk=doc.pk).update(is_published=False)
    assert client.get(f"/documents/{doc.pk}/ru/").status_code == 404
    Document.objects.filter(pk=doc.pk).update(is_published=True, file="portal/documents/gone.pdf")
    assert client.get(f"/documents/{doc.pk}/ru/").status_code == 404


def test_the_list_shows_type_and_date_and_the_other_language(doc: Document, client: Client) -> None:
    html = client.get("/legal/").content.decode()
    assert f'<a href="/documents/{doc.pk}/ru/">Положение</a>' in html
    assert "(PDF, опубликовано 02.03.2026)" in html
    assert f'<a href="/documents/{doc.pk}/kk/" hreflang="kk" lang="kk">қазақша</a>' in html
    html = client.get("/documents/").content.decode()
    assert f'<a href="/documents/{doc.pk}/ru/">Положение</a>' in html


def test_html_and_scripts_cannot_be_uploaded(db: None) -> None:
    d = Document(section=Section.LEGAL, title_ru="x", file=ContentFile(b"<script>", name="x.html"))
    with pytest.raises(ValidationError) as err:
        d.full_clean()
    assert list(err.value.message_dict) == ["file"]
    d = Document(section=Section.LEGAL, title_ru="x", file=ContentFile(b"<svg/>", name="x.svg"))
    with pytest.raises(ValidationError):
        d.full_clean()


def test_a_text_file_is_served_as_plain_text(db: None, client: Client) -> None:
    d = Document(section=Section.LEGAL, title_ru="Текст")
    d.file.save("note.txt", ContentFile("<b>текст</b>".encode()), save=True)
    r = client.get(f"/documents/{d.pk}/ru/")
    assert r["Content-Type"] == "text/plain; charset=utf-8"
    assert r["X-Content-Type-Options"] == "nosniff"
