"""Shared pieces of the book's tests."""

from __future__ import annotations

import json
import re
import secrets
import zlib
from typing import Any

from django.test import Client

from abonent.appeals.book.models import BookEntry, ComplaintBook
from abonent.appeals.book.services import EntryInput, submit_entry

TEXT = "В сервис-центре не работает электронная очередь, люди ждут стоя больше часа."
KK_TEXT = "Сервис-орталықта электрондық кезек жұмыс істемейді, адамдар бір сағаттан артық күтеді."
MEASURES = "Терминал электронной очереди отремонтирован, добавлены стулья в зале ожидания."
KK_MEASURES = "Электрондық кезек терминалы жөнделді, күту залына орындықтар қойылды."
REASONS = "Установка второго терминала не предусмотрена бюджетом на текущий год."
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def key() -> str:
    return secrets.token_urlsafe(24)


def post(client: Client, url: str, body: dict[str, Any], token: str | None = None, **extra: Any):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers, **extra)


def get(client: Client, url: str, token: str | None = None, **extra: Any):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(url, **headers, **extra)


def entry_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "complaint", "text": TEXT, "idempotency_key": key()}
    body.update(over)
    return body


def book(code: str = "central") -> ComplaintBook:
    return ComplaintBook.objects.select_related("office").get(office__code=code)


def make_entry(code: str = "central", **over: Any) -> BookEntry:
    data = EntryInput(kind=over.pop("kind", "complaint"), text=over.pop("text", TEXT), **over)
    entry, created = submit_entry(book=book(code), data=data, actor=None)
    assert created
    return entry


def pdf_strings(pdf: bytes) -> list[str]:
    """The text strings WeasyPrint writes in a PDF's objects (bookmarks, metadata): the
    compressed streams are inflated, and UTF-16 hex strings decoded."""
    raw = pdf
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            raw += zlib.decompress(m.group(1))
        except zlib.error:
            continue
    out = []
    for h in re.findall(rb"<feff([0-9a-fA-F]+)>", raw):
        out.append(bytes.fromhex(h.decode()).decode("utf-16-be"))
    return out
