"""Sending mail: a message row and its task are written in the caller's transaction, so a
rolled-back change sends nothing and a crash after commit loses nothing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from abonent.notify.models import OutgoingMessage, OutgoingStatus

MAX_ATTEMPTS = 5


def queue_email(
    *,
    to: str,
    subject: str,
    body: str,
    language: str = "ru",
    from_address: str | None = None,
    related: models.Model | None = None,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    rendered: Sequence[tuple[str, int]] = (),
) -> OutgoingMessage:
    """Queue one e-mail. ``attachments`` are (file name, content, MIME type), kept on disk
    under MEDIA_ROOT/outbox until sent; ``rendered`` are (dotted path of a function, object
    id) called at delivery to build an attachment, so slow work such as a PDF stays out of
    the request that queues the mail."""
    from abonent.notify.tasks import deliver_message

    stored: list[dict[str, object]] = [{"render": path, "id": pk} for path, pk in rendered]
    for name, content, mimetype in attachments:
        path = default_storage.save(f"outbox/{uuid.uuid4().hex}", ContentFile(content))
        stored.append({"name": name, "path": path, "mimetype": mimetype})
    msg = OutgoingMessage.objects.create(
        attachments=stored,
        to=to,
        subject=subject,
        body=body,
        language=language,
        from_address=from_address or settings.DEFAULT_FROM_EMAIL,
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
    )
    deliver_message.enqueue(message_id=msg.pk)
    return msg


def deliver(message_id: int) -> OutgoingStatus:
    """Send one queued message; on failure record the error and let the task retry."""
    with transaction.atomic():
        msg = OutgoingMessage.objects.select_for_update().get(pk=message_id)
        if msg.status in {OutgoingStatus.SENT, OutgoingStatus.GAVE_UP}:
            return OutgoingStatus(msg.status)
        msg.attempts += 1
        try:
            email = EmailMessage(
                subject=msg.subject, body=msg.body, from_email=msg.from_address, to=[msg.to]
            )
            for att in msg.attachments:
                if "render" in att:
                    name, content, mimetype = import_string(att["render"])(att["id"])
                    email.attach(name, content, mimetype)
                    continue
                with default_storage.open(att["path"]) as fh:
                    email.attach(att["name"], fh.read(), att["mimetype"])
            email.send()
        except Exception as exc:
            msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            msg.status = (
                OutgoingStatus.GAVE_UP if msg.attempts >= MAX_ATTEMPTS else OutgoingStatus.FAILED
            )
        else:
            msg.status = OutgoingStatus.SENT
            msg.sent_at = timezone.now()
            msg.last_error = ""
        msg.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        return OutgoingStatus(msg.status)
