"""Template helpers of the public website: Markdown-lite and the sections' menu."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from abonent.cabinet.company import Company
from abonent.portal import markup
from abonent.portal.models import Document
from abonent.portal.sections import Link, menu

register = template.Library()


@register.filter
def lite(text: str) -> SafeString:
    """Staff-typed Markdown-lite as safe HTML (everything else escaped)."""
    return markup.render(str(text or ""))


@register.filter
def summary(text: str, limit: int = 200) -> str:
    return markup.plain(str(text or ""), int(limit))


@register.simple_tag
def site_sections() -> list[Link]:
    return menu()


@register.filter
def doc_ext(doc: Document, lang: str) -> str:
    """The file type a visitor will get, e.g. "PDF"."""
    return doc.extension(lang)


@register.filter
def company_name(c: Company, lang: str) -> str:
    return c.name(lang)


@register.filter
def company_bank(c: Company, lang: str) -> str:
    return c.bank(lang)


@register.filter
def company_address(c: Company, lang: str) -> str:
    return c.address(lang)
