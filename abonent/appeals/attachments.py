"""Attachments: size and type limits checked by content (magic bytes), stored under
MEDIA_ROOT, which is outside the web root."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from abonent.appeals.models import Appeal, Attachment
from abonent.core.errors import InvalidInput

MAX_SIZE = 10 * 1024 * 1024
MAX_FILES = 10

# (magic prefix, content type, allowed name endings)
SIGNATURES: list[tuple[bytes, str, tuple[str, ...]]] = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"II*\x00", "image/tiff", (".tif", ".tiff")),
    (b"MM\x00*", "image/tiff", (".tif", ".tiff")),
    (
        b"PK\x03\x04",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword", (".doc",)),
]


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def sniff(name: str, content: bytes) -> str | None:
    """The content type if the bytes are one we accept and match the file's name; plain
    text must decode as UTF-8."""
    lower = name.lower()
    for magic, ctype, endings in SIGNATURES:
        if content.startswith(magic) and lower.endswith(endings):
            if ctype.endswith("document") and b"word/" not in content[:4096]:
                return None  # a zip that is not a Word document
            return ctype
    if lower.endswith(".txt"):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def check_uploads(uploads: list[Upload]) -> None:
    if len(uploads) > MAX_FILES:
        raise InvalidInput(
            _("At most %(n)s files.") % {"n": MAX_FILES}, code="too_many_files", status=413
        )
    for up in uploads:
        if len(up.content) > MAX_SIZE:
            raise InvalidInput(
                _("%(name)s is larger than 10 MB.") % {"name": up.name},
                code="file_too_large",
                status=413,
            )
        if sniff(up.name, up.content) is None:
            raise InvalidInput(
                _("%(name)s: only PDF, JPEG, PNG, TIFF, DOC, DOCX and TXT files are accepted.")
                % {"name": up.name},
                code="file_type_not_allowed",
                fields={"attachments": [up.name]},
            )


def store_attachment(*, appeal: Appeal, upload: Upload) -> Attachment:
    ctype = sniff(upload.name, upload.content)
    if ctype is None:
        raise InvalidInput(_("File type not allowed."), code="file_type_not_allowed")
    digest = hashlib.sha256(upload.content).hexdigest()
    att = Attachment(
        appeal=appeal,
        original_name=upload.name[:255],
        content_type=ctype,
        size=len(upload.content),
        sha256=digest,
    )
    att.file.save(digest[:16], ContentFile(upload.content), save=False)
    att.save()
    return att
