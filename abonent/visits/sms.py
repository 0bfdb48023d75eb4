"""A small SMS backend interface (architecture.md: console/file for development, an HTTP
gateway adapter for production). ``get_backend()`` reads ABONENT_SMS_BACKEND.

The HTTP adapter speaks a plain JSON protocol most Kazakh SMS gateways offer in some form:
``POST <url>`` with ``{"to", "text", "sender"}`` and ``Authorization: Bearer <token>``;
a 2xx answer with ``{"id": "..."}`` means accepted. Delivery reports come back to
``POST /api/v1/visits/sms-status``.
"""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path
from typing import Protocol
from urllib import error, request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("abonent.visits.sms")

BACKENDS = ("console", "file", "http")


class SmsError(Exception):
    """The message was not accepted; the caller records it and retries later."""


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> str:
        """Send one message; return the provider's message id. Raise SmsError."""


class ConsoleBackend:
    def send(self, *, to: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        logger.warning("SMS %s to %s: %s", message_id, to, text)
        return message_id


class FileBackend:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, *, to: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        self.directory.mkdir(parents=True, exist_ok=True)
        body = json.dumps({"id": message_id, "to": to, "text": text}, ensure_ascii=False)
        (self.directory / f"{message_id}.json").write_text(body, encoding="utf-8")
        return message_id


class HttpGatewayBackend:
    def __init__(self, url: str, token: str, sender: str, timeout: int) -> None:
        if not url.startswith(("http://", "https://")):
            raise ImproperlyConfigured("ABONENT_SMS_GATEWAY_URL must be an http(s) URL")
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout

    def send(self, *, to: str, text: str) -> str:
        payload = json.dumps({"to": to, "text": text, "sender": self.sender}).encode()
        req = request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
                answer = json.loads(resp.read().decode() or "{}")
        except error.HTTPError as exc:
            raise SmsError(f"gateway answered {exc.code}") from exc
        except (error.URLError, OSError, ValueError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from exc
        message_id = answer.get("id") if isinstance(answer, dict) else None
        if not message_id:
            raise SmsError("gateway answer has no message id")
        return str(message_id)


def check_settings() -> None:
    if settings.ABONENT_SMS_BACKEND not in BACKENDS:
        raise ImproperlyConfigured(
            f"ABONENT_SMS_BACKEND must be one of {', '.join(BACKENDS)}, "
            f"not {settings.ABONENT_SMS_BACKEND!r}"
        )
    if settings.ABONENT_SMS_BACKEND == "http" and not settings.ABONENT_SMS_GATEWAY_URL:
        raise ImproperlyConfigured("ABONENT_SMS_BACKEND=http needs ABONENT_SMS_GATEWAY_URL")


def get_backend() -> SmsBackend:
    kind = settings.ABONENT_SMS_BACKEND
    if kind == "console":
        return ConsoleBackend()
    if kind == "file":
        return FileBackend(Path(settings.ABONENT_SMS_DIR))
    if kind == "http":
        return HttpGatewayBackend(
            settings.ABONENT_SMS_GATEWAY_URL,
            settings.ABONENT_SMS_GATEWAY_TOKEN,
            settings.ABONENT_SMS_SENDER,
            settings.ABONENT_SMS_TIMEOUT,
        )
    raise ImproperlyConfigured(f"unknown ABONENT_SMS_BACKEND {kind!r}")
