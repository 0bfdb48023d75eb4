"""Where each section of the website lives (W-7): one stable URL per section; no queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from abonent.portal.models import Section

# Sections shown by the generic section page (the others have their own views).
PAGE_SECTIONS = [
    Section.INTERNET_RECEPTION,
    Section.INDIVIDUALS,
    Section.LEGAL_ENTITIES,
    Section.TARIFFS,
    Section.COMMON_HOUSE,
    Section.MANAGEMENT_RECEPTION,
    Section.LEGAL,
    Section.VACANCIES,
    Section.PAYMENT,
    Section.SUPPLIERS,
    Section.GENERAL,
]


def section_url(section: str) -> str:
    if section == Section.CONTACTS:
        return reverse("offices")
    if section == Section.FAQ:
        return reverse("portal:faq")
    return reverse(f"portal:{section}")


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise
    key: str


def menu() -> list[Link]:
    """Every section in the order of the procedure's list (W-7), feedback in its place."""
    order = [
        Section.INTERNET_RECEPTION,
        Section.INDIVIDUALS,
        Section.LEGAL_ENTITIES,
        Section.TARIFFS,
        Section.COMMON_HOUSE,
        Section.MANAGEMENT_RECEPTION,
        Section.LEGAL,
        Section.CONTACTS,
        Section.VACANCIES,
        Section.FAQ,
        Section.PAYMENT,
    ]
    links = [Link(section_url(s), s.label, s.value) for s in order]
    links.append(Link(reverse("appeals:feedback"), _("Feedback form"), "feedback"))
    links.append(Link(section_url(Section.SUPPLIERS), Section.SUPPLIERS.label, "suppliers"))
    return links
