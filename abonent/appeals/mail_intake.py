"""E-mail into the registry (C-1, W-2): the company's info@ and webmaster@ mailboxes are
channels. One message → one appeal with channel "email", its attachments kept.

- ``parse_message`` is pure: sender, subject, date, the best text body and the attachments
  of one RFC 5322 message. HTML is never kept or rendered: an HTML-only body is reduced to
  its text (script and style contents dropped).
- ``ingest`` registers one message through ``services.register_appeal``. Attachments the
  registry's rules refuse (type, size, number) do not stop the registration: the allowed ones
  are stored and the refused ones are named in a footer of the appeal's text. A body longer
  than the registry's limit is cut in the text and kept whole as a ``.txt`` attachment.
- Idempotency: the Message-ID (or, without one, the SHA-256 of the raw bytes) is written as
  the note of an ``appeal.mail_ingested`` audit row in the registration's transaction, and
  looked up before registering; the check and the write are serialised per Message-ID
  (SQLite's IMMEDIATE transactions, a transaction-level advisory lock on PostgreSQL), so
  overlapping runs or the same message delivered to both mailboxes give one appeal.
- Auto-generated mail (bounces, auto-replies: RFC 3834 ``Auto-Submitted``, ``Precedence``,
  a null return path, mailer-daemon, our own addresses) is not registered: registering it
  would mail a receipt back and could start a loop between two auto-responders.
- ``ingest_imap`` reads UNSEEN messages without marking them, registers each and flags it
  \\Seen only after its registration committed; a message that fails stays unseen (and is
  retried on the next run), the loop goes on. It never expunges the mailbox.

Names. A display name is split by this rule (the applicant's card can be corrected later):
"Surname, Given [Patronymic]" with a comma is taken as written; two words are "Given
Surname" (what mail clients show: "Айгерим Нурланова"), unless only the first one looks like
a surname (-ов/-ова/-ев/-ева/-ский/-ская/-енко/-ұлы/-қызы, also in Latin letters), as in
"Нурланова Айгерим"; three or more words are "Surname Given Patronymic" (the Russian ФИО
order), unless the second word is a patronymic ("Иван Иванович Иванов"). One word is a given
name only — the rules will then suggest "anonymous" and the Chancellery decides.
"""

from __future__ import annotations

import hashlib
import imaplib
import logging
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessage

from abonent.appeals import services
from abonent.appeals.attachments import MAX_FILES, Upload, check_uploads
from abonent.appeals.codes import ApplicantType, Channel, Kind
from abonent.appeals.models import Appeal
from abonent.core import audit
from abonent.core.errors import InvalidInput
from abonent.core.models import AuditEntry

logger = logging.getLogger(__name__)

INGESTED_ACTION = "appeal.mail_ingested"
REFUSED_FOOTER = "Attachments not accepted: "
FULL_TEXT_NAME = "message-full-text.txt"
MAX_NAME = 150
MAX_FOOTER = 2_000

# ---------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # the Message-ID, or "sha256:<hex>" of the raw bytes without one
    sender_name: str
    sender_email: str  # lower-case and valid, or "" when the From header has none
    sender_raw: str  # the From header as text, kept when no valid address was found
    subject: str
    received_at: datetime  # aware: the Date header, or the time of parsing without one
    date_from_header: bool
    body: str
    attachments: list[Upload] = field(default_factory=list)
    auto_generated: str = ""  # why the message is machine-made, "" for a person's mail


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")


_SURROGATES = re.compile("[\udc80-\udcff]")


def _unescape(text: str) -> str:
    """Raw 8-bit bytes in headers (RFC 6532 UTF-8, or a legacy client's Windows-1251) reach
    us as surrogate escapes: decode them."""
    if not _SURROGATES.search(text):
        return text
    data = text.encode("utf-8", errors="surrogateescape")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace")


def _clean(text: str) -> str:
    """No NULs (PostgreSQL refuses them) or other control characters; Unix newlines."""
    text = _unescape(text)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _header(msg: Message, name: str) -> str:
    """A header as text, encoded words decoded; a header the parser chokes on is decoded
    the old way rather than failing the whole message."""
    try:
        value = msg.get(name)
    except Exception:  # the stdlib header parser raises on some malformed headers
        return _raw_header(msg, name)
    if value is None:
        return ""
    text = _one_line(str(value))
    # the parser replaces undecodable 8-bit bytes; the raw header still has them
    return _raw_header(msg, name) if "\ufffd" in text else text


def _raw_header(msg: Message, name: str) -> str:
    """A header as it was written, only its encoded words decoded."""
    raw = next((str(v) for k, v in msg.raw_items() if k.lower() == name.lower()), "")
    try:
        return _one_line(str(make_header(decode_header(raw))))
    except Exception:
        return _one_line(raw)


class _TextExtractor(HTMLParser):
    """Text of an HTML document: tags dropped, script/style contents dropped, entities
    decoded, a line break for each block element."""

    SKIP = frozenset({"script", "style", "head", "title", "noscript", "template", "svg"})
    BLOCK = frozenset(
        {
            "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "footer",
            "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p",
            "pre", "section", "table", "td", "th", "tr", "ul",
        }
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    text = "\n".join(lines).strip()
    # whatever still looks like a tag (e.g. "<" left by broken markup) goes too
    text = re.sub(r"<[^>\n]*>", "", text)
    return _BLANK_LINES.sub("\n\n", text)


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = data.decode(charset, errors="replace")
    except LookupError:  # an unknown charset name
        text = data.decode("utf-8", errors="replace")
    return _clean(text)


_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def _safe_name(raw: str | None, ctype: str, number: int) -> str:
    name = _UNSAFE_NAME.sub("_", (raw or "").replace("\\", "/"))
    name = PurePosixPath(name.strip()).name.strip(" .")
    if not name:
        ext = mimetypes.guess_extension(ctype) or ".bin"
        name = f"attachment-{number}{ext}"
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) < 10 else name[:255]
    return name


def _filename(part: Message) -> str | None:
    try:
        return part.get_filename()
    except Exception:
        return None


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


@dataclass
class _Found:
    texts: list[tuple[str, bool]] = field(default_factory=list)  # (text, from HTML)
    uploads: list[tuple[Upload, bool]] = field(default_factory=list)  # (file, explicit)


def _walk(part: Message, found: _Found, counter: list[int]) -> None:
    ctype = part.get_content_type()
    maintype = part.get_content_maintype()
    if maintype == "message":
        # a forwarded message travels as it came: one .eml file
        counter[0] += 1
        inner = part.get_payload()
        item = inner[0] if ctype == "message/rfc822" and isinstance(inner, list) else part
        try:
            content = item.as_bytes() if isinstance(item, Message) else part.as_bytes()
        except Exception:
            content = b""
        name = _safe_name(_filename(part) or f"message-{counter[0]}.eml", ctype, counter[0])
        found.uploads.append((Upload(name, content), True))
        return
    if part.is_multipart():
        subparts = [p for p in part.get_payload() if isinstance(p, Message)]
        if part.get_content_subtype() != "alternative":
            for sub in subparts:
                _walk(sub, found, counter)
            return
        # multipart/alternative: the plain-text version if any, else the richest one
        variants: list[_Found] = []
        for sub in subparts:
            variant = _Found()
            _walk(sub, variant, counter)
            variants.append(variant)
        with_text = [v for v in variants if any(t.strip() for t, _ in v.texts)]
        plain = [v for v in with_text if not any(html for _, html in v.texts)]
        chosen = plain[0] if plain else (with_text[-1] if with_text else None)
        for variant in variants:
            if variant is chosen:
                found.texts.extend(variant.texts)
                found.uploads.extend(variant.uploads)
            else:  # files sent as attachments inside another variant are still kept
                found.uploads.extend(u for u in variant.uploads if u[1])
        return
    filename = _filename(part)
    disposition = _disposition(part)
    if maintype == "text" and filename is None and disposition != "attachment":
        if ctype == "text/plain":
            found.texts.append((_text_of(part), False))
            return
        if ctype == "text/html":
            found.texts.append((html_to_text(_text_of(part)), True))
            return
    counter[0] += 1
    payload = part.get_payload(decode=True)
    content = payload if isinstance(payload, bytes) else b""
    explicit = disposition == "attachment" or filename is not None
    found.uploads.append((Upload(_safe_name(filename, ctype, counter[0]), content), explicit))


def _received_at(msg: Message, now: datetime) -> tuple[datetime, bool]:
    try:
        header = msg.get("Date")
        value = getattr(header, "datetime", None)
    except Exception:
        value = None
    if not isinstance(value, datetime):
        return now, False
    if value.tzinfo is None:  # "-0000": UTC with no zone information (RFC 5322 3.3)
        value = value.replace(tzinfo=UTC)
    return value, True


def _sender(msg: Message) -> tuple[str, str, str]:
    raw = _raw_header(msg, "From")
    name, address = "", ""
    try:
        header = msg.get("From")
        addresses = getattr(header, "addresses", ())
        if addresses:
            name = _one_line(addresses[0].display_name or "")
            address = (addresses[0].addr_spec or "").strip().lower()
    except Exception:
        name, address = "", ""
    if not address:  # fall back to the first thing that looks like an address
        match = re.search(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", raw)
        address = match.group(0).lower() if match else ""
    try:
        validate_email(address)
    except ValidationError:
        address = ""
    if name.strip("\"' ").lower() == address:
        name = ""
    return name.strip("\"' "), address, raw


OWN_ADDRESSES = ("DEFAULT_FROM_EMAIL", "ABONENT_WEBMASTER_EMAIL", "SERVER_EMAIL")


def _auto_generated(msg: Message, sender_email: str) -> str:
    """Why the message is machine-made (RFC 3834), or ""."""
    auto = _header(msg, "Auto-Submitted").lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto}"
    precedence = _header(msg, "Precedence").lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponse"):
        if _header(msg, name):
            return name
    if _header(msg, "Return-Path").replace(" ", "") == "<>":
        return "null return path"
    local = sender_email.partition("@")[0]
    if local in {"mailer-daemon", "postmaster"}:
        return f"sender {sender_email}"
    own = {str(getattr(settings, key, "")).strip().lower() for key in OWN_ADDRESSES}
    if sender_email and sender_email in own:
        return f"sent from our own address {sender_email}"
    return ""


def parse_message(raw: bytes, *, now: datetime | None = None) -> ParsedMail:
    """Everything the registry needs from one RFC 5322 message. Never raises on bad mail:
    what cannot be decoded is replaced or left out."""
    now = now or timezone.now()
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    message_id = _header(msg, "Message-ID").strip()
    if not message_id:
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    name, address, sender_raw = _sender(msg)
    received_at, from_header = _received_at(msg, now)
    found = _Found()
    try:
        _walk(msg, found, [0])
    except Exception:  # a structure the parser cannot follow: keep the message as text
        logger.exception("Cannot take %s apart; kept as text", message_id)
        found = _Found(texts=[(_clean(raw.decode("utf-8", errors="replace")), False)])
    body = "\n\n".join(t.strip() for t, _ in found.texts if t.strip())
    return ParsedMail(
        message_id=message_id,
        sender_name=name,
        sender_email=address,
        sender_raw=sender_raw,
        subject=_header(msg, "Subject"),
        received_at=received_at,
        date_from_header=from_header,
        body=_BLANK_LINES.sub("\n\n", body),
        attachments=[upload for upload, _ in found.uploads],
        auto_generated=_auto_generated(msg, address),
    )


# ------------------------------------------------------------------- pure decisions

SURNAME_ENDINGS = (
    "ов", "ова", "ев", "ева", "ёв", "ёва", "ский", "ская", "цкий", "цкая", "енко",
    "ұлы", "улы", "қызы", "кызы",
    "ov", "ova", "ev", "eva", "sky", "skiy", "skii", "skaya", "enko", "uly", "kyzy",
)  # fmt: skip
PATRONYMIC_ENDINGS = (
    "вич", "вна", "ична", "ьич", "оглы", "ұлы", "улы", "қызы", "кызы",
    "vich", "vna", "ichna", "uly", "kyzy",
)  # fmt: skip
PATRONYMIC_WORDS = frozenset({"ұлы", "улы", "қызы", "кызы", "uly", "kyzy"})


def _looks_like(word: str, endings: tuple[str, ...]) -> bool:
    low = word.lower()
    return len(low) > 3 and low.endswith(endings)


def split_name(display_name: str) -> tuple[str, str, str]:
    """(surname, given name, patronymic) from a display name; see the module docstring."""
    text = " ".join(display_name.replace('"', " ").split())
    if "," in text:
        surname, _, rest = text.partition(",")
        words = rest.split()
        return (
            surname.strip()[:MAX_NAME],
            (words[0] if words else "")[:MAX_NAME],
            " ".join(words[1:])[:MAX_NAME],
        )
    words = text.split()
    # "Серік ұлы" written apart is one patronymic
    if len(words) >= 3 and words[-1].lower() in PATRONYMIC_WORDS:
        words = [*words[:-2], f"{words[-2]} {words[-1]}"]
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", words[0][:MAX_NAME], ""
    if len(words) == 2:
        first, second = words
        if _looks_like(first, SURNAME_ENDINGS) and not _looks_like(second, SURNAME_ENDINGS):
            return first[:MAX_NAME], second[:MAX_NAME], ""
        return second[:MAX_NAME], first[:MAX_NAME], ""
    if _looks_like(words[1], PATRONYMIC_ENDINGS) and not _looks_like(words[2], PATRONYMIC_ENDINGS):
        return " ".join(words[2:])[:MAX_NAME], words[0][:MAX_NAME], words[1][:MAX_NAME]
    return words[0][:MAX_NAME], words[1][:MAX_NAME], " ".join(words[2:])[:MAX_NAME]


_COMPLAINT = re.compile(r"(?<!\w)(жалоб|шағым|шагым|complain)", re.IGNORECASE)


def kind_of(subject: str, body: str) -> str:
    return Kind.COMPLAINT if _COMPLAINT.search(f"{subject}\n{body}") else Kind.REQUEST


def _refusal(upload: Upload, accepted: int) -> str | None:
    """Why the registry refuses this file, or None when it takes it."""
    if accepted >= MAX_FILES:
        return f"more than {MAX_FILES} files"
    try:
        check_uploads([upload])
    except InvalidInput as exc:
        return {
            "file_too_large": "larger than 10 MB",
            "file_type_not_allowed": "type not accepted",
        }.get(exc.code, exc.code)
    return None


def sort_attachments(uploads: list[Upload]) -> tuple[list[Upload], list[tuple[str, str]]]:
    """(files the registry takes, (name, reason) of the files it refuses)."""
    accepted: list[Upload] = []
    refused: list[tuple[str, str]] = []
    for upload in uploads:
        reason = _refusal(upload, len(accepted))
        if reason is None:
            accepted.append(upload)
        else:
            refused.append((upload.name, reason))
    return accepted, refused


def _footer(refused: list[tuple[str, str]], sender_raw: str) -> str:
    lines = []
    if sender_raw:
        lines.append(f"From (no valid address): {sender_raw[:500]}")
    if refused:
        names = [f"{name} ({reason})" for name, reason in refused]
        line = REFUSED_FOOTER + "; ".join(names)
        if len(line) > MAX_FOOTER:
            shown: list[str] = []
            for item in names:
                if len(REFUSED_FOOTER) + sum(len(s) + 2 for s in shown) + len(item) > 1_800:
                    break
                shown.append(item)
            line = REFUSED_FOOTER + "; ".join(shown) + f"; and {len(names) - len(shown)} more"
        lines.append(line)
    return "\n".join(lines)


def compose(parsed: ParsedMail, max_text: int) -> tuple[str, list[Upload], list[tuple[str, str]]]:
    """The appeal's text, the files to store and the refused ones. The text is the subject
    and the body, cut to ``max_text`` (the full text then travels as a .txt attachment),
    with a footer naming what was not accepted."""
    content = "\n\n".join(p for p in (parsed.subject, parsed.body) if p.strip())
    uploads = list(parsed.attachments)
    accepted, refused = sort_attachments(uploads)
    sender_raw = parsed.sender_raw if not parsed.sender_email and parsed.sender_raw else ""
    footer = _footer(refused, sender_raw)
    room = max_text - (len(footer) + 2 if footer else 0)
    if len(content) > room:
        # first, so the file limit never refuses the full text
        uploads.insert(0, Upload(FULL_TEXT_NAME, content.encode("utf-8")))
        accepted, refused = sort_attachments(uploads)
        footer = _footer(refused, sender_raw)
        kept = any(u.name == FULL_TEXT_NAME for u in accepted)
        marker = f"\n[…] The full text is attached as {FULL_TEXT_NAME}." if kept else "\n[…]"
        room = max_text - (len(footer) + 2 if footer else 0) - len(marker)
        content = content[: max(room, 0)].rstrip() + marker
    text = f"{content}\n\n{footer}" if footer and content else (content or footer)
    return text[:max_text], accepted, refused


# -------------------------------------------------------------------------- ingest


@dataclass(frozen=True)
class IngestResult:
    status: str  # "registered", "duplicate", "skipped" (auto-generated) or "failed"
    message_id: str = ""
    appeal: Appeal | None = None
    reason: str = ""
    source: str = ""


def _serialise(message_id: str) -> None:
    """Make the look-up and the marker of one Message-ID atomic across processes. SQLite
    needs nothing: its IMMEDIATE transactions already hold the database's write lock."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(message_id.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def already_ingested(message_id: str) -> bool:
    return AuditEntry.objects.filter(action=INGESTED_ACTION, note=message_id).exists()


def process(raw: bytes, *, mailbox: str, actor: Any, source: str = "") -> IngestResult:
    """Register one message; the outcome says what happened to it."""
    now = timezone.now()
    parsed = parse_message(raw, now=now)
    mid = parsed.message_id
    if parsed.auto_generated:
        logger.info("Not registered (auto-generated, %s): %s", parsed.auto_generated, mid)
        return IngestResult("skipped", mid, reason=parsed.auto_generated, source=source)
    text, accepted, refused = compose(parsed, services.MAX_TEXT)
    last_name, first_name, patronymic = split_name(parsed.sender_name)
    with transaction.atomic():
        _serialise(mid)
        if already_ingested(mid):
            return IngestResult("duplicate", mid, reason="already registered", source=source)
        data = services.AppealInput(
            channel=Channel.EMAIL,
            kind=kind_of(parsed.subject, parsed.body),
            text=text,
            applicant_type=ApplicantType.INDIVIDUAL,
            last_name=last_name,
            first_name=first_name,
            patronymic=patronymic,
            email=parsed.sender_email,
            received_at=min(parsed.received_at, now),
            attachments=accepted,
        )
        appeal = services.register_appeal(data=data, actor=actor)
        audit.record(
            actor=actor,
            action=INGESTED_ACTION,
            obj=appeal,
            after={
                "mailbox": mailbox,
                "message_id": mid,
                "date_header": parsed.received_at if parsed.date_from_header else None,
                "attachments": [u.name for u in accepted],
                "refused": [f"{name} ({reason})" for name, reason in refused],
            },
            note=mid,
        )
    return IngestResult("registered", mid, appeal=appeal, source=source)


def ingest(raw: bytes, *, mailbox: str, actor: Any) -> Appeal | None:
    """Register one message as one appeal; None when it was registered before (same
    Message-ID) or is auto-generated mail."""
    return process(raw, mailbox=mailbox, actor=actor).appeal


# ---------------------------------------------------------------------------- IMAP


class RawMailMessage(MailMessage):
    """imap-tools' message keeping the bytes exactly as the server sent them (``obj``
    re-serialised could differ from what arrived)."""

    def __init__(self, fetch_data: list[Any]) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]


def ingest_imap(
    host: str,
    port: int,
    user: str,
    password: str,
    folder: str = "INBOX",
    ssl: bool = True,
    actor: Any = None,
    *,
    timeout: float = 60,
    on_result: Callable[[IngestResult], None] | None = None,
) -> int:
    """Register the folder's UNSEEN messages; returns how many appeals were registered.
    Messages are read with BODY.PEEK (left unseen) and flagged \\Seen one by one after their
    registration committed (duplicates and auto-generated mail too: they are handled). A
    message whose registration fails stays unseen and is logged; the loop goes on. Flags
    are set with a plain UID STORE: imap-tools' ``flag()`` would EXPUNGE the folder."""
    box_class = MailBox if ssl else MailBoxUnencrypted
    label = f"imap://{user}@{host}:{port}/{folder}"
    registered = 0
    box = box_class(host, port, timeout=timeout)
    box.email_message_class = RawMailMessage
    with box:
        box.login(user, password, initial_folder=folder)
        for uid in box.uids(AND(seen=False)):
            source = f"{label};UID={uid}"
            try:
                messages = list(box.fetch(uid_list=[uid], mark_seen=False))
                if not messages:
                    continue  # expunged meanwhile
                message = messages[0]
                raw = message.raw if isinstance(message, RawMailMessage) else message.obj.as_bytes()
                result = process(raw, mailbox=label, actor=actor, source=source)
            except (imaplib.IMAP4.abort, OSError):
                raise  # the connection is gone: nothing more can be read or flagged
            except Exception as exc:
                logger.exception("Mail %s not registered; left unseen", source)
                if on_result is not None:
                    on_result(IngestResult("failed", reason=repr(exc), source=source))
                continue
            try:
                status, _ = box.client.uid("STORE", uid, "+FLAGS", r"(\Seen)")
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error as exc:
                status = repr(exc)
            if status != "OK":  # registered all the same: the Message-ID stops a repeat
                logger.warning("Could not flag %s as seen (%s)", source, status)
            if result.status == "registered":
                registered += 1
            if on_result is not None:
                on_result(result)
    return registered
