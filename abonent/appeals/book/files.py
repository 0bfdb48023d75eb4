"""Scans kept with book entries: PDF, JPEG or PNG only, recognised by their content (magic
bytes) and matching name, at most ``MAX_SCAN_SIZE`` bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

from abonent.core.errors import InvalidInput

MAX_SCAN_SIZE = 8 * 1024 * 1024
MAX_FILES_PER_ENTRY = 10

# (magic prefix, content type, allowed name endings)
SIGNATURES: tuple[tuple[bytes, str, tuple[str, ...]], ...] = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
)


@dataclass(frozen=True)
class Scan:
    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def sniff(name: str, content: bytes) -> str | None:
    lower = name.lower()
    for magic, ctype, endings in SIGNATURES:
        if content.startswith(magic) and lower.endswith(endings):
            return ctype
    return None


def check_size(name: str, size: int) -> None:
    if size > MAX_SCAN_SIZE:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_SCAN_SIZE // (1024 * 1024)},
            code="file_too_large",
            status=413,
            fields={"file": [name]},
        )


def check_scan(scan: Scan) -> str:
    """The content type of an acceptable scan; else a 413 or 422 refusal."""
    check_size(scan.name, len(scan.content))
    ctype = sniff(scan.name, scan.content)
    if ctype is None:
        raise InvalidInput(
            _("Only PDF, JPEG and PNG scans are accepted."),
            code="file_type_not_allowed",
            fields={"file": [scan.name]},
        )
    return ctype
