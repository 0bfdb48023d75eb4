"""Pages of the public website (W-7, W-8, ORG-1, Q-1, K-7): the home page, contacts and
service centres with live hours and queues, one page per section, questions and answers,
documents, the sitemap and the error pages. Every page reads a fixed number of queries,
whatever the amount of content."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable
from typing import Any

from django import forms
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from abonent.cabinet.company import company, payment_links
from abonent.portal import queries
from abonent.portal.models import Document, FaqEntry, Page, Section, Vacancy
from abonent.portal.sections import PAGE_SECTIONS, menu, section_url
from abonent.workdays.services import get_calendar

VISIT_CHECK_PATH = "/visits/verify/"  # the visits app's public check (V-3)
LANGS = ("ru", "kk")


def _lang() -> str:
    lang = get_language() or "ru"
    return lang if lang in LANGS else "ru"


# ---- home, contacts --------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    at = queries.now()
    cal = get_calendar(around=timezone.localdate(at))
    return render(
        request,
        "portal/home.html",
        {
            "offices": queries.offices(at, cal),
            "sections": menu(),
            "visit_check_url": VISIT_CHECK_PATH,
            "now": at,
        },
    )


@require_GET
def offices(request: HttpRequest) -> HttpResponse:
    """Contacts and service centres (ORG-1): addresses, phones, hours, "open now / opens
    at" with public holidays, and each office's queue right now."""
    at = queries.now()
    cal = get_calendar(around=timezone.localdate(at))
    pages = Page.objects.filter(section=Section.CONTACTS, is_published=True)
    return render(
        request,
        "portal/offices.html",
        {
            "offices": queries.offices(at, cal),
            "departments": queries.departments(at, cal),
            "days_off": queries.days_off_ahead(at, cal),
            "intro": next((p for p in pages if p.is_section_intro), None),
            "now": at,
        },
    )


@require_GET
def office_queue(request: HttpRequest, code: str) -> HttpResponse:
    """One office's queue alone, for the contacts page to refresh in place."""
    at = queries.now()
    info = next((i for i in queries.offices(at) if i.office.code == code), None)
    if info is None or not info.office.has_queue:
        raise Http404
    return render(request, "includes/office_queue.html", {"info": info, "now": at})


# ---- sections --------------------------------------------------------------------------


def _tariffs(request: HttpRequest) -> dict[str, Any]:
    return {"tariffs": queries.tariffs(timezone.localdate(queries.now()))}


def _payment(request: HttpRequest) -> dict[str, Any]:
    return {"company": company(), "payment_links": payment_links(), "lang": _lang()}


def _vacancies(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate(queries.now())
    open_ = [
        v
        for v in Vacancy.objects.filter(is_open=True)
        if v.closes_on is None or v.closes_on >= today
    ]
    return {"vacancies": open_}


EXTRAS: dict[str, Callable[[HttpRequest], dict[str, Any]]] = {
    Section.TARIFFS: _tariffs,
    Section.PAYMENT: _payment,
    Section.VACANCIES: _vacancies,
}


@require_GET
def section(request: HttpRequest, section: str) -> HttpResponse:
    """A section of W-7: its introduction (a page edited in the admin), its other pages,
    documents and questions, and what the section shows live."""
    pages = list(Page.objects.filter(section=section, is_published=True))
    context: dict[str, Any] = {
        "section": Section(section),
        "intro": next((p for p in pages if p.is_section_intro), None),
        "pages": [p for p in pages if not p.is_section_intro],
        "documents": Document.objects.filter(section=section, is_published=True),
        "faq": FaqEntry.objects.filter(section=section, is_published=True),
        "lang": _lang(),
        "visit_check_url": VISIT_CHECK_PATH,
    }
    if section in EXTRAS:
        context.update(EXTRAS[section](request))
    return render(request, "portal/section.html", context)


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """A page that is not a section's introduction (a section's own page redirects)."""
    obj = get_object_or_404(Page, slug=slug, is_published=True)
    if obj.is_section_intro:
        return redirect(section_url(obj.section), permanent=True)
    return render(
        request,
        "portal/page.html",
        {"page": obj, "section": Section(obj.section), "section_url": section_url(obj.section)},
    )


class FaqSearch(forms.Form):
    q = forms.CharField(
        label=_("Search the questions"), max_length=queries.FAQ_QUERY_MAX, required=False
    )
    section = forms.ChoiceField(
        label=_("Section"), choices=[("", _("All sections")), *Section.choices], required=False
    )


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    """Questions and answers (Q-1, W-7), searchable in both languages; a query that is too
    long or holds a NUL character is refused with 400 and shown back escaped."""
    form = FaqSearch(request.GET)
    if not form.is_valid():
        return render(
            request, "portal/faq.html", {"form": form, "entries": [], "q": ""}, status=400
        )
    q = form.cleaned_data["q"].strip()
    entries = list(queries.faq(q, form.cleaned_data["section"] or None))
    return render(
        request,
        "portal/faq.html",
        {"form": form, "entries": entries, "q": q, "section_labels": dict(Section.choices)},
    )


@require_GET
def documents(request: HttpRequest) -> HttpResponse:
    """Every published document with its date (W-8 openness), by section."""
    docs = list(Document.objects.filter(is_published=True).order_by("section", "position"))
    groups: dict[str, list[Document]] = {}
    for d in docs:
        groups.setdefault(d.section, []).append(d)
    labels = dict(Section.choices)
    return render(
        request,
        "portal/documents.html",
        {
            "groups": [(labels[s], section_url(s), ds) for s, ds in groups.items()],
            "lang": _lang(),
        },
    )


@require_GET
def document_file(request: HttpRequest, pk: int, lang: str | None = None) -> HttpResponseBase:
    """A published document's file (the Kazakh version when asked and present). Files live
    outside the web root; only published ones are served, inline, never as HTML."""
    if lang is not None and lang not in LANGS:
        raise Http404
    doc = get_object_or_404(Document, pk=pk, is_published=True)
    f = doc.file_for(lang or _lang())
    if not f or not f.name or not f.storage.exists(f.name):
        raise Http404
    name = os.path.basename(f.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type = "text/plain; charset=utf-8"
    return FileResponse(f.open("rb"), content_type=content_type, filename=name)


# ---- sitemap, robots, errors -----------------------------------------------------------


@require_GET
def sitemap(request: HttpRequest) -> HttpResponse:
    """/sitemap.xml: every public page; language is chosen by the switch, not the URL."""
    urls: list[tuple[str, Any]] = [(reverse("home"), None), (reverse("offices"), None)]
    urls += [(section_url(s), None) for s in PAGE_SECTIONS]
    urls += [(reverse("portal:faq"), None), (reverse("portal:documents"), None)]
    urls += [
        (reverse("appeals:feedback"), None),
        (reverse("appeals:status"), None),
        (reverse("reception:schedule"), None),
        (reverse("cabinet:sign-in"), None),
    ]
    for p in Page.objects.filter(is_published=True).only("slug", "section", "updated_at"):
        if p.is_section_intro:
            continue
        urls.append((p.get_absolute_url(), p.updated_at))
    entries = [(request.build_absolute_uri(u), lastmod) for u, lastmod in urls]
    return render(
        request, "portal/sitemap.xml", {"entries": entries}, content_type="application/xml"
    )


@require_GET
def robots(request: HttpRequest) -> HttpResponse:
    body = (
        "User-agent: *\nDisallow: /staff/\nDisallow: /admin/\nDisallow: /cabinet/\n"
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}\n"
    )
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def contacts_redirect(request: HttpRequest) -> HttpResponse:
    return redirect("offices", permanent=True)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 in the visitor's language, with the site's menu and search (handler404)."""
    body = loader.render_to_string("portal/404.html", {"request_path": request.path}, request)
    return HttpResponseNotFound(body)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 in the visitor's language; renders without the database or the request context,
    which may be what failed (handler500)."""
    body = loader.render_to_string("portal/500.html", {"LANGUAGE_CODE": _lang()})
    return HttpResponseServerError(body)
