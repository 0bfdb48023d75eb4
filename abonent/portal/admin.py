"""The website's content in the admin (W-7): staff edit pages, questions, documents, tariffs
and vacancies without a deploy. Texts are Markdown-lite (see abonent/portal/markup.py)."""

from __future__ import annotations

from django.contrib import admin

from abonent.portal.models import Document, FaqEntry, Page, Tariff, Vacancy


@admin.register(Page)
class PageAdmin(admin.ModelAdmin[Page]):
    list_display = ["title_ru", "slug", "section", "position", "is_published", "updated_at"]
    list_filter = ["section", "is_published"]
    search_fields = ["title_ru", "title_kk", "slug", "body_ru", "body_kk"]
    list_editable = ["position", "is_published"]


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin[FaqEntry]):
    list_display = ["question_ru", "section", "position", "is_published"]
    list_filter = ["section", "is_published"]
    search_fields = ["question_ru", "question_kk", "answer_ru", "answer_kk"]
    list_editable = ["position", "is_published"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    list_display = ["title_ru", "section", "published_on", "position", "is_published"]
    list_filter = ["section", "is_published"]
    search_fields = ["title_ru", "title_kk"]
    date_hierarchy = "published_on"


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin[Tariff]):
    list_display = ["name_ru", "group", "price", "unit", "effective_from", "effective_until"]
    list_filter = ["group", "unit"]
    search_fields = ["name_ru", "name_kk"]


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin[Vacancy]):
    list_display = ["title_ru", "published_on", "closes_on", "is_open"]
    list_filter = ["is_open"]
    search_fields = ["title_ru", "title_kk"]
