"""E-mail into the registry (C-1, W-2): .eml files and an IMAP mailbox (a real IMAP4rev1
server on loopback, tests/fake_imap.py) → one appeal per message, attachments kept."""

from __future__ import annotations

import base64
import quopri
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.quoprimime import header_encode
from email.utils import format_datetime
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from imap_tools import MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError

from abonent.appeals import mail_intake, services
from abonent.appeals.mail_intake import (
    FULL_TEXT_NAME,
    REFUSED_FOOTER,
    html_to_text,
    ingest,
    ingest_imap,
    kind_of,
    parse_message,
    split_name,
)
from abonent.appeals.models import Appeal
from abonent.appeals.tests.fake_imap import FakeImapServer
from abonent.core.models import AuditEntry

ASTANA = ZoneInfo("Asia/Almaty")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00" + b"\x00" * 60
SEEN = "\\Seen"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# --- building messages the way mail clients write them ---------------------------------


def b_word(text: str) -> str:
    return "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="


def q_word(text: str) -> str:
    return header_encode(text.encode(), charset="utf-8")


def b64_lines(data: bytes) -> str:
    encoded = base64.b64encode(data).decode()
    return "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def days_ago(days: float) -> datetime:
    return (timezone.now() - timedelta(days=days)).astimezone(ASTANA).replace(microsecond=0)


def attachment(name_param: str, ctype: str, data: bytes) -> str:
    return (
        f"Content-Type: {ctype}\r\n"
        f"Content-Disposition: attachment; {name_param}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
        f"{b64_lines(data)}\r\n"
    )


def mixed(headers: str, *parts: str) -> bytes:
    body = "".join(f"--BOUNDARY\r\n{p}" for p in parts) + "--BOUNDARY--\r\n"
    return (
        f"{headers}MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="BOUNDARY"\r\n\r\n'
        f"This is a multi-part message in MIME format.\r\n{body}"
    ).encode()


def headers(
    *,
    sender: str,
    subject: str,
    date: datetime | None,
    message_id: str | None = "<20261127.1@mail.example.kz>",
    extra: str = "",
) -> str:
    lines = [f"From: {sender}", "To: info@aesbyt.kz", f"Subject: {subject}"]
    if date is not None:
        lines.append(f"Date: {format_datetime(date)}")
    if message_id is not None:
        lines.append(f"Message-ID: {message_id}")
    return "\r\n".join(lines) + "\r\n" + extra


RU_TEXT = (
    "Здравствуйте! Прошу сделать перерасчёт за горячую воду за октябрь: "
    "счётчик был заменён 5 октября, а начисления шли по нормативу. Акт прилагаю."
)
KK_TEXT = (
    "Сәлеметсіз бе! Қазан айындағы ыстық су үшін төлем дұрыс есептелмеді. "
    "Есепшот бойынша қайта есептеуді сұраймын. Құжатты қоса беремін."
)


def russian_mail(date: datetime, message_id: str = "<ru-1@mail.example.kz>") -> bytes:
    """Quoted-printable body, B-encoded display name, Q-encoded subject, RFC 2231 file name."""
    body = quopri.encodestring(RU_TEXT.encode(), quotetabs=False).decode()
    return mixed(
        headers(
            sender=f"{b_word('Иван Петров')} <Ivan.Petrov@Example.KZ>",
            subject=q_word("Жалоба на начисления"),
            date=date,
            message_id=message_id,
        ),
        "Content-Type: text/plain; charset=UTF-8\r\n"
        f"Content-Transfer-Encoding: quoted-printable\r\n\r\n{body}\r\n",
        attachment(
            "filename*=UTF-8''%D0%B0%D0%BA%D1%82%20%D0%B7%D0%B0%D0%BC%D0%B5%D0%BD%D1%8B.pdf",
            "application/pdf",
            PDF,
        ),
    )


def kazakh_mail(date: datetime) -> bytes:
    """Base64 bodies in multipart/alternative, Q-encoded name, encoded-word file name."""
    html = f"<html><body><p>{KK_TEXT}</p><p><b>HTML нұсқасы</b></p></body></html>"
    alternative = (
        'Content-Type: multipart/alternative; boundary="ALT"\r\n\r\n'
        "--ALT\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{b64_lines(KK_TEXT.encode())}\r\n"
        "--ALT\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{b64_lines(html.encode())}\r\n"
        "--ALT--\r\n"
    )
    return mixed(
        headers(
            sender=f"{q_word('Айгерім Нұрланова')} <aigerim@example.kz>",
            subject=b_word("Ыстық су бойынша өтініш"),
            date=date,
            message_id="<kk-1@mail.example.kz>",
        ),
        alternative,
        attachment(f'filename="{b_word("түбіртек.pdf")}"', "application/pdf", PDF),
    )


def plain_mail(
    text: str, *, message_id: str | None, date: datetime | None = None, **kw: Any
) -> bytes:
    head = headers(
        sender=kw.pop("sender", "Дана Ахметова <dana@example.kz>"),
        subject=kw.pop("subject", q_word("Вопрос по счёту")),
        date=date or days_ago(1),
        message_id=message_id,
        extra=kw.pop("extra", ""),
    )
    return (
        f"{head}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n"
    ).encode()


def stored(appeal: Appeal) -> dict[str, bytes]:
    result = {}
    for att in appeal.attachments.all():
        with att.file.open("rb") as fh:
            result[att.original_name] = fh.read()
    return result


# --- parsing (pure) ---------------------------------------------------------------------


def test_a_russian_message_is_parsed() -> None:
    date = days_ago(2)
    parsed = parse_message(russian_mail(date))
    assert parsed.sender_name == "Иван Петров"
    assert parsed.sender_email == "ivan.petrov@example.kz"
    assert parsed.subject == "Жалоба на начисления"
    assert parsed.received_at == date
    assert parsed.date_from_header
    assert parsed.body == RU_TEXT
    assert parsed.message_id == "<ru-1@mail.example.kz>"
    assert [(u.name, u.content) for u in parsed.attachments] == [("акт замены.pdf", PDF)]
    assert parsed.auto_generated == ""


def test_the_plain_text_alternative_is_preferred_to_html() -> None:
    parsed = parse_message(kazakh_mail(days_ago(1)))
    assert parsed.body == KK_TEXT
    assert "HTML" not in parsed.body
    assert parsed.sender_name == "Айгерім Нұрланова"
    assert parsed.subject == "Ыстық су бойынша өтініш"
    assert [(u.name, u.content) for u in parsed.attachments] == [("түбіртек.pdf", PDF)]


def test_html_is_reduced_to_text_never_kept() -> None:
    html = (
        "<html><head><title>t</title><style>p {color: red}</style>"
        "<script>alert('x')</script></head><body onload=\"steal()\">"
        "<p>Прошу&nbsp;проверить <b>счёт</b> &laquo;№ 5&raquo;</p>"
        "<div>Спасибо<br>Дана</div><script>document.write('<p>x</p>')</script>"
        "<p>&lt;script&gt;evil()&lt;/script&gt;</p></body></html>"
    )
    text = html_to_text(html)
    assert "<" not in text and ">" not in text
    assert "alert" not in text and "steal" not in text and "color" not in text
    assert "document.write" not in text
    assert "Прошу проверить счёт «№ 5»" in text
    assert "Спасибо\nДана" in text


def test_a_message_with_no_date_and_no_sender_address_is_still_parsed() -> None:
    raw = b"From: somebody\r\nSubject: =?utf-8?q?test?=\r\n\r\nhello"
    before = timezone.now()
    parsed = parse_message(raw)
    assert not parsed.date_from_header
    assert before <= parsed.received_at <= timezone.now()
    assert parsed.sender_email == ""
    assert parsed.sender_raw == "somebody"
    assert parsed.message_id.startswith("sha256:")
    assert parsed.body == "hello"


def test_raw_8bit_headers_are_decoded() -> None:
    utf8 = "From: Дана Ахметова <dana@example.kz>\r\nSubject: Счёт\r\n\r\nhi".encode()
    parsed = parse_message(utf8)
    assert (parsed.sender_name, parsed.subject) == ("Дана Ахметова", "Счёт")
    legacy = "From: Дана Ахметова <dana@example.kz>\r\nSubject: Счёт\r\n\r\nhi".encode("cp1251")
    parsed = parse_message(legacy)
    assert (parsed.sender_name, parsed.subject) == ("Дана Ахметова", "Счёт")


def test_a_date_without_zone_is_utc() -> None:
    raw = b"From: a@example.kz\r\nDate: Mon, 2 Nov 2026 10:00:00 -0000\r\n\r\nhello"
    assert parse_message(raw).received_at == datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("UTC"))


def test_a_bad_charset_and_broken_structure_do_not_raise() -> None:
    raw = (
        b"From: a@example.kz\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n"
        b"--X\r\nContent-Type: text/plain; charset=no-such-charset\r\n\r\nhello \xff\r\n"
        b"--X\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01"
    )
    parsed = parse_message(raw)
    assert parsed.body.startswith("hello")
    assert [u.name for u in parsed.attachments] == ["attachment-1.bin"]


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Айгерим Нурланова", ("Нурланова", "Айгерим", "")),
        ("Нурланова Айгерим", ("Нурланова", "Айгерим", "")),
        ("Ирина Смирнова", ("Смирнова", "Ирина", "")),
        ("Aigerim Nurlanova", ("Nurlanova", "Aigerim", "")),
        ("Иванов Иван Иванович", ("Иванов", "Иван", "Иванович")),
        ("Иван Иванович Иванов", ("Иванов", "Иван", "Иванович")),
        ("Асанов Нурлан Серік ұлы", ("Асанов", "Нурлан", "Серік ұлы")),
        ("Петров, Пётр Петрович", ("Петров", "Пётр", "Петрович")),
        ("Дана", ("", "Дана", "")),
        ("", ("", "", "")),
    ],
)
def test_names_are_split_by_the_documented_rule(
    display: str, expected: tuple[str, str, str]
) -> None:
    assert split_name(display) == expected


def test_complaints_are_recognised_in_three_languages() -> None:
    assert kind_of("Жалоба", "") == "complaint"
    assert kind_of("", "Бұл менің шағымым") == "complaint"
    assert kind_of("Complaint about billing", "") == "complaint"
    assert kind_of("Вопрос", "Прошу разъяснить") == "request"


# --- registration -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_russian_mail_becomes_an_appeal_with_its_attachment(demo: None) -> None:
    date = days_ago(2)
    appeal = ingest(russian_mail(date), mailbox="info@aesbyt.kz", actor=None)
    assert appeal is not None
    appeal.refresh_from_db()
    assert appeal.channel == "email"
    assert appeal.kind == "complaint"
    assert appeal.status == "registered"
    assert appeal.applicant_type == "individual"
    assert (appeal.last_name, appeal.first_name) == ("Петров", "Иван")
    assert appeal.email == "ivan.petrov@example.kz"
    assert appeal.language == "ru"
    assert appeal.received_at == date
    assert appeal.text == f"Жалоба на начисления\n\n{RU_TEXT}"
    assert stored(appeal) == {"акт замены.pdf": PDF}
    marker = AuditEntry.objects.get(action="appeal.mail_ingested")
    assert marker.note == "<ru-1@mail.example.kz>"
    assert marker.object_id == str(appeal.pk)
    assert marker.after["mailbox"] == "info@aesbyt.kz"


@pytest.mark.django_db
def test_a_kazakh_mail_is_registered_in_kazakh(demo: None) -> None:
    date = days_ago(1)
    appeal = ingest(kazakh_mail(date), mailbox="webmaster@aesbyt.kz", actor=None)
    assert appeal is not None
    appeal.refresh_from_db()
    assert appeal.language == "kk"
    assert appeal.kind == "request"
    assert (appeal.last_name, appeal.first_name) == ("Нұрланова", "Айгерім")
    assert appeal.email == "aigerim@example.kz"
    assert appeal.received_at == date
    assert appeal.status == "registered"
    assert KK_TEXT in appeal.text and "HTML" not in appeal.text
    assert stored(appeal) == {"түбіртек.pdf": PDF}


@pytest.mark.django_db
def test_an_html_only_mail_keeps_no_tags(demo: None) -> None:
    html = (
        "<html><head><script>alert(1)</script></head><body>"
        "<p>Прошу проверить начисления за отопление по лицевому счёту 123456.</p>"
        "<img src=x onerror=alert(2)></body></html>"
    )
    raw = (
        headers(sender="dana@example.kz", subject="Отопление", date=days_ago(1))
        + "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{b64_lines(html.encode())}\r\n"
    ).encode()
    appeal = ingest(raw, mailbox="info@aesbyt.kz", actor=None)
    assert appeal is not None
    assert "<" not in appeal.text and "alert" not in appeal.text
    assert "Прошу проверить начисления за отопление" in appeal.text


@pytest.mark.django_db
def test_refused_attachments_do_not_stop_the_registration(demo: None) -> None:
    raw = mixed(
        headers(sender="Дана Ахметова <dana@example.kz>", subject="Счёт", date=days_ago(1)),
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{RU_TEXT}\r\n",
        attachment('filename="setup.exe"', "application/octet-stream", EXE),
        attachment('filename="invoice.pdf"', "application/pdf", EXE),  # not a PDF inside
        attachment('filename="photo.png"', "image/png", PNG),
    )
    appeal = ingest(raw, mailbox="info@aesbyt.kz", actor=None)
    assert appeal is not None
    assert appeal.status == "registered"
    assert stored(appeal) == {"photo.png": PNG}
    footer = appeal.text.splitlines()[-1]
    assert footer.startswith(REFUSED_FOOTER)
    assert "setup.exe" in footer and "invoice.pdf" in footer and "photo.png" not in footer
    marker = AuditEntry.objects.get(action="appeal.mail_ingested")
    assert marker.after["attachments"] == ["photo.png"]
    assert len(marker.after["refused"]) == 2


@pytest.mark.django_db
def test_files_beyond_the_limit_are_named_not_stored(demo: None) -> None:
    files = [
        attachment(f'filename="scan{i:02d}.pdf"', "application/pdf", PDF + bytes([i]))
        for i in range(12)
    ]
    raw = mixed(
        headers(sender="dana@example.kz", subject="Сканы", date=days_ago(1)),
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{RU_TEXT}\r\n",
        *files,
    )
    appeal = ingest(raw, mailbox="info@aesbyt.kz", actor=None)
    assert appeal is not None
    assert sorted(stored(appeal)) == [f"scan{i:02d}.pdf" for i in range(10)]
    assert "scan10.pdf (more than 10 files); scan11.pdf (more than 10 files)" in appeal.text


@pytest.mark.django_db
def test_the_same_message_is_registered_once(demo: None) -> None:
    raw = russian_mail(days_ago(1))
    first = ingest(raw, mailbox="info@aesbyt.kz", actor=None)
    assert first is not None
    # again, and the same message delivered to the other mailbox too
    assert ingest(raw, mailbox="info@aesbyt.kz", actor=None) is None
    assert ingest(raw, mailbox="webmaster@aesbyt.kz", actor=None) is None
    assert Appeal.objects.count() == 1
    assert AuditEntry.objects.filter(action="appeal.mail_ingested").count() == 1


@pytest.mark.django_db
def test_without_message_id_the_bytes_identify_the_message(demo: None) -> None:
    raw = plain_mail(RU_TEXT, message_id=None)
    assert ingest(raw, mailbox="info@aesbyt.kz", actor=None) is not None
    assert ingest(raw, mailbox="info@aesbyt.kz", actor=None) is None
    other = plain_mail(RU_TEXT + " Ещё вопрос.", message_id=None)
    assert ingest(other, mailbox="info@aesbyt.kz", actor=None) is not None
    assert Appeal.objects.count() == 2


@pytest.mark.django_db
def test_a_date_in_the_future_is_clamped_to_now(demo: None) -> None:
    before = timezone.now()
    raw = plain_mail(RU_TEXT, message_id="<future@x>", date=days_ago(-3))
    appeal = ingest(raw, mailbox="info@aesbyt.kz", actor=None)
    assert appeal is not None
    assert before <= appeal.received_at <= timezone.now()
    marker = AuditEntry.objects.get(action="appeal.mail_ingested")
    assert marker.after["date_header"] is not None  # what the header said is kept


@pytest.mark.django_db
def test_a_sender_without_a_valid_address_is_kept_in_the_text(demo: None) -> None:
    raw = plain_mail(RU_TEXT, message_id="<noaddr@x>", sender="Иван Петров <not an address>")
    appeal = ingest(raw, mailbox="info@aesbyt.kz", actor=None)
    assert appeal is not None
    assert appeal.email == ""
    assert "Иван Петров <not an address>" in appeal.text


@pytest.mark.django_db
def test_a_too_long_body_is_cut_and_kept_whole_as_a_file(demo: None) -> None:
    text = ("Прошу разобраться с начислениями. " * 1000).strip()
    raw = plain_mail(text, message_id="<long@x>")
    appeal = ingest(raw, mailbox="info@aesbyt.kz", actor=None)
    assert appeal is not None
    assert len(appeal.text) <= services.MAX_TEXT
    assert FULL_TEXT_NAME in appeal.text
    full = stored(appeal)[FULL_TEXT_NAME].decode()
    assert full.endswith(text)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra",
    [
        "Auto-Submitted: auto-replied\r\n",
        "Precedence: bulk\r\n",
        "Return-Path: <>\r\n",
    ],
)
def test_auto_generated_mail_is_not_registered(demo: None, extra: str) -> None:
    raw = plain_mail("Я в отпуске до понедельника.", message_id="<auto@x>", extra=extra)
    assert ingest(raw, mailbox="info@aesbyt.kz", actor=None) is None
    assert Appeal.objects.count() == 0


@pytest.mark.django_db
def test_mail_from_our_own_address_is_not_registered(demo: None) -> None:
    raw = plain_mail(RU_TEXT, message_id="<own@x>", sender="webmaster@aesbyt.kz")
    assert ingest(raw, mailbox="info@aesbyt.kz", actor=None) is None


@pytest.mark.django_db
def test_a_receipt_is_queued_to_the_sender(demo: None) -> None:
    from abonent.appeals.tasks import send_receipts
    from abonent.notify.models import OutgoingMessage

    appeal = ingest(russian_mail(days_ago(1)), mailbox="info@aesbyt.kz", actor=None)
    assert appeal is not None
    send_receipts.call()  # what the worker runs after the commit
    assert OutgoingMessage.objects.get().to == "ivan.petrov@example.kz"


# --- the command with .eml files --------------------------------------------------------


@pytest.mark.django_db
def test_the_command_reads_files_and_directories(demo: None, tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.eml").write_bytes(russian_mail(days_ago(2)))
    (folder / "sub" / "b.EML").write_bytes(kazakh_mail(days_ago(1)))
    (folder / "notes.txt").write_text("not mail")
    copy = tmp_path / "copy.eml"
    copy.write_bytes(russian_mail(days_ago(2)))
    out = StringIO()
    call_command("ingest_mail", "--eml", str(folder), str(copy), stdout=out)
    lines = out.getvalue().splitlines()
    numbers = [a.incoming_number for a in Appeal.objects.order_by("seq")]
    assert len(numbers) == 2
    assert lines[0] == f"{numbers[0]}\t{folder / 'a.eml'}"
    assert lines[1] == f"{numbers[1]}\t{folder / 'sub' / 'b.EML'}"
    assert lines[2].startswith(f"duplicate\t{copy}")
    assert lines[-1] == "2 registered, 1 duplicate, 0 skipped, 0 failed"


@pytest.mark.django_db
def test_the_command_names_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("ingest_mail", "--eml", str(tmp_path / "nothing.eml"))


@pytest.mark.django_db
def test_the_command_reports_a_failure_and_goes_on(
    demo: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = services.register_appeal

    def flaky(*, data: services.AppealInput, actor: Any) -> Appeal:
        if "сломано" in data.text:
            raise RuntimeError("database hiccup")
        return real(data=data, actor=actor)

    monkeypatch.setattr(services, "register_appeal", flaky)
    (tmp_path / "1.eml").write_bytes(plain_mail("Всё сломано, помогите " * 3, message_id="<1@x>"))
    (tmp_path / "2.eml").write_bytes(plain_mail(RU_TEXT, message_id="<2@x>"))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 message"):
        call_command("ingest_mail", "--eml", str(tmp_path), stdout=out, stderr=err)
    assert "database hiccup" in err.getvalue()
    assert out.getvalue().splitlines()[-1] == "1 registered, 0 duplicate, 0 skipped, 1 failed"
    assert Appeal.objects.count() == 1


# --- IMAP -------------------------------------------------------------------------------


@pytest.fixture
def imap() -> Iterator[FakeImapServer]:
    with FakeImapServer(user="info@aesbyt.kz", password='s3cr"et') as server:
        yield server


def run_imap(server: FakeImapServer, **kw: Any) -> int:
    return ingest_imap(
        "127.0.0.1", server.port, "info@aesbyt.kz", 's3cr"et', ssl=False, timeout=10, **kw
    )


@pytest.mark.django_db
def test_unseen_mail_is_registered_and_flagged_seen(demo: None, imap: FakeImapServer) -> None:
    old = imap.add(
        plain_mail("Старое письмо, уже прочитанное человеком.", message_id="<old@x>"), flags=(SEEN,)
    )
    ru = imap.add(russian_mail(days_ago(2)))
    kk = imap.add(kazakh_mail(days_ago(1)))
    assert run_imap(imap) == 2
    assert {a.email for a in Appeal.objects.all()} == {
        "ivan.petrov@example.kz",
        "aigerim@example.kz",
    }
    kazakh = Appeal.objects.get(email="aigerim@example.kz")
    assert kazakh.language == "kk"
    assert stored(kazakh) == {"түбіртек.pdf": PDF}
    assert SEEN in imap.flags(ru) and SEEN in imap.flags(kk) and SEEN in imap.flags(old)
    # the reader peeks, flags one message at a time and never expunges
    fetches = [c for c in imap.commands if c.startswith("UID FETCH")]
    assert len(fetches) == 2 and all("BODY.PEEK[]" in c for c in fetches)
    assert [c for c in imap.commands if c.startswith("UID STORE")] == [
        f"UID STORE {ru} +FLAGS (\\Seen)",
        f"UID STORE {kk} +FLAGS (\\Seen)",
    ]
    assert "EXPUNGE" not in imap.commands
    # nothing unseen is left: a second run registers nothing
    assert run_imap(imap) == 0
    assert Appeal.objects.count() == 2


@pytest.mark.django_db
def test_a_message_that_fails_stays_unseen_and_the_rest_goes_on(
    demo: None, imap: FakeImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = services.register_appeal

    def flaky(*, data: services.AppealInput, actor: Any) -> Appeal:
        if "сломано" in data.text:
            raise RuntimeError("database hiccup")
        return real(data=data, actor=actor)

    monkeypatch.setattr(services, "register_appeal", flaky)
    bad = imap.add(plain_mail("Всё сломано у меня дома, помогите", message_id="<bad@x>"))
    good = imap.add(russian_mail(days_ago(1)))
    results: list[mail_intake.IngestResult] = []
    assert run_imap(imap, on_result=results.append) == 1
    assert SEEN not in imap.flags(bad)
    assert SEEN in imap.flags(good)
    assert [r.status for r in results] == ["failed", "registered"]
    assert Appeal.objects.count() == 1
    assert not AuditEntry.objects.filter(note="<bad@x>").exists()
    # the next run, with the fault gone, takes the one left unseen
    monkeypatch.setattr(services, "register_appeal", real)
    assert run_imap(imap) == 1
    assert SEEN in imap.flags(bad)
    assert Appeal.objects.count() == 2


@pytest.mark.django_db
def test_a_message_registered_but_not_flagged_is_not_registered_again(
    demo: None, imap: FakeImapServer
) -> None:
    uid = imap.add(russian_mail(days_ago(1)))
    assert run_imap(imap) == 1
    imap.set_flags(uid, set())  # as if the connection dropped before the STORE
    results: list[mail_intake.IngestResult] = []
    assert run_imap(imap, on_result=results.append) == 0
    assert [r.status for r in results] == ["duplicate"]
    assert SEEN in imap.flags(uid)
    assert Appeal.objects.count() == 1


@pytest.mark.django_db
def test_the_bytes_read_over_imap_are_the_bytes_sent(
    demo: None, imap: FakeImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = kazakh_mail(days_ago(1))
    imap.add(raw)
    seen: list[bytes] = []
    real = mail_intake.process

    def spy(data: bytes, **kw: Any) -> mail_intake.IngestResult:
        seen.append(data)
        return real(data, **kw)

    monkeypatch.setattr(mail_intake, "process", spy)
    assert run_imap(imap) == 1
    assert seen == [raw]


@pytest.mark.django_db
def test_wrong_credentials_fail_loudly(imap: FakeImapServer) -> None:
    with pytest.raises(MailboxLoginError):
        ingest_imap("127.0.0.1", imap.port, "info@aesbyt.kz", "wrong", ssl=False, timeout=10)


@pytest.mark.django_db
def test_the_command_reads_the_mailbox_from_the_environment(
    demo: None, imap: FakeImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("IMAP_PORT", str(imap.port))
    monkeypatch.setenv("IMAP_USER", "info@aesbyt.kz")
    monkeypatch.setenv("IMAP_PASSWORD", 's3cr"et')
    monkeypatch.setenv("IMAP_SSL", "false")
    imap.add(russian_mail(days_ago(1)))
    imap.add(
        plain_mail("Я в отпуске.", message_id="<auto@x>", extra="Auto-Submitted: auto-replied\r\n")
    )
    out = StringIO()
    call_command("ingest_mail", "--imap", stdout=out)
    lines = out.getvalue().splitlines()
    number = Appeal.objects.get().incoming_number
    assert lines[0].startswith(f"{number}\timap://info@aesbyt.kz@127.0.0.1:{imap.port}/INBOX;UID=1")
    assert lines[1].startswith("skipped\t")
    assert lines[-1] == "1 registered, 0 duplicate, 1 skipped, 0 failed"


def test_the_command_needs_an_imap_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IMAP_HOST", raising=False)
    with pytest.raises(CommandError, match="IMAP_HOST"):
        call_command("ingest_mail", "--imap")


# --- the fake server behaves like an IMAP server ----------------------------------------


def test_the_fake_server_sets_seen_on_body_but_not_on_peek(imap: FakeImapServer) -> None:
    first = imap.add(plain_mail("раз", message_id="<a@x>"))
    second = imap.add(plain_mail("два", message_id="<b@x>"))
    with MailBoxUnencrypted("127.0.0.1", imap.port) as box:
        box.login("info@aesbyt.kz", 's3cr"et')
        assert [m.uid for m in box.fetch("UNSEEN", mark_seen=False)] == [str(first), str(second)]
        assert imap.flags(first) == set()
        assert [m.uid for m in box.fetch(f"UID {first}", mark_seen=True)] == [str(first)]
        assert imap.flags(first) == {SEEN}
        assert box.uids("UNSEEN") == [str(second)]
        assert box.uids("NOT UNSEEN") == [str(first)]
        box.folder.set("INBOX", readonly=True)
        status, _ = box.client.uid("STORE", str(second), "+FLAGS", r"(\Seen)")
        assert status == "NO"
    assert imap.flags(second) == set()


# --- two readers at once (overlapping cron runs, the message in both mailboxes) ----------


@pytest.mark.django_db(transaction=True)
def test_concurrent_readers_register_a_message_once(demo: None) -> None:
    import threading

    from django.db import connection

    raw = russian_mail(days_ago(1))
    threads_n = 6
    start = threading.Barrier(threads_n)
    results: list[Appeal | None] = []
    errors: list[BaseException] = []

    def work(mailbox: str) -> None:
        try:
            start.wait()
            results.append(ingest(raw, mailbox=mailbox, actor=None))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(("info@", "webmaster@")[i % 2],))
        for i in range(threads_n)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r is not None for r in results) == 1
    assert Appeal.objects.count() == 1
    assert AuditEntry.objects.filter(action="appeal.mail_ingested").count() == 1


@pytest.mark.django_db
def test_the_command_turns_a_login_failure_into_an_error(
    imap: FakeImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IMAP_HOST", "127.0.0.1")
    monkeypatch.setenv("IMAP_PORT", str(imap.port))
    monkeypatch.setenv("IMAP_USER", "info@aesbyt.kz")
    monkeypatch.setenv("IMAP_PASSWORD", "wrong")
    monkeypatch.setenv("IMAP_SSL", "off")
    with pytest.raises(CommandError, match="MailboxLoginError"):
        call_command("ingest_mail", "--imap", stdout=StringIO())
