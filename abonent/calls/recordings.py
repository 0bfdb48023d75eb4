"""Recordings of calls (CC-4): where they are, who listens, how long they are kept.

A recording is either a file under ``ABONENT_RECORDINGS_DIR`` (Oktell's record folder
mounted or copied there; the reference is the path relative to it) or an ``http(s)`` URL on
the PBX's web server. Staff never get the URL: the permission-checked view streams the file,
or proxies the URL (only to hosts in ``ABONENT_RECORDING_URL_HOSTS``), and writes one audit
row per listen. ``purge_recordings`` deletes what is older than
``ABONENT_RECORDING_RETENTION_DAYS`` except what an open appeal still needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from abonent.appeals.codes import OPEN_STATUSES
from abonent.calls.models import Call
from abonent.core.audit import record
from abonent.core.errors import DomainError

URL_SCHEMES = ("http", "https")


def is_url(ref: str) -> bool:
    return urlsplit(ref).scheme.lower() in URL_SCHEMES


def normalise_reference(ref: str) -> str:
    """Oktell writes Windows paths (``2026\\03\\20\\x.wav``): store them with ``/``."""
    return ref if is_url(ref) else ref.replace("\\", "/")


def is_valid_reference(ref: str) -> bool:
    if len(ref) > 500 or not ref.isprintable():
        return False
    if is_url(ref):
        return bool(urlsplit(ref).hostname)
    path = PurePosixPath(normalise_reference(ref))
    return (
        bool(path.parts)
        and not path.is_absolute()
        and ".." not in path.parts
        and ":" not in path.parts[0]
    )


def recordings_dir() -> Path:
    return Path(settings.ABONENT_RECORDINGS_DIR)


def file_for(ref: str) -> Path | None:
    """The file of a path reference, only inside the recordings folder."""
    if is_url(ref) or not is_valid_reference(ref):
        return None
    base = recordings_dir().resolve()
    path = (base / ref).resolve()
    return path if path.is_relative_to(base) else None


class RecordingUnavailable(DomainError):
    status = 404
    code = "recording_unavailable"


@dataclass(frozen=True)
class Opened:
    """A recording ready to send: a local file or a stream from the PBX."""

    path: Path | None = None
    chunks: Iterator[bytes] | None = None
    content_type: str = "audio/wav"
    size: int | None = None


def _proxy(url: str) -> Opened:
    import urllib.request

    host = (urlsplit(url).hostname or "").lower()
    if host not in {h.lower() for h in settings.ABONENT_RECORDING_URL_HOSTS}:
        raise DomainError(
            _("The recording is on a server Abonent is not allowed to read from."),
            code="recording_host_not_allowed",
        )
    try:
        response: Any = urllib.request.urlopen(url, timeout=10)  # noqa: S310 (scheme checked)
    except OSError:
        raise RecordingUnavailable(_("The PBX did not give the recording.")) from None

    def chunks() -> Iterator[bytes]:
        with response:
            while block := response.read(64 * 1024):
                yield block

    length = response.headers.get("Content-Length")
    return Opened(
        chunks=chunks(),
        content_type=response.headers.get_content_type() or "audio/wav",
        size=int(length) if length and length.isdigit() else None,
    )


@transaction.atomic
def open_for_listening(*, call: Call, actor: Any) -> Opened:
    """Write the audit row of this listen and open the recording (the caller has checked
    the permission). A recording that is gone raises ``RecordingUnavailable``."""
    if not call.has_recording:
        raise RecordingUnavailable(_("This call has no recording."))
    ref = call.recording_ref
    if is_url(ref):
        opened = _proxy(ref)
    else:
        path = file_for(ref)
        if path is None or not path.is_file():
            raise RecordingUnavailable(_("The recording file is missing."))
        opened = Opened(path=path, size=path.stat().st_size)
    record(actor=actor, action="call.recording_listened", obj=call, note=call.call_id)
    return opened


# ---- retention ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    kept_for_appeal: int


def _expired(now: datetime) -> Any:
    cutoff = now - timedelta(days=settings.ABONENT_RECORDING_RETENTION_DAYS)
    return (
        Call.objects.filter(at__lt=cutoff, recording_purged_at__isnull=True)
        .exclude(recording_ref="")
        .order_by("id")
    )


def purge_recordings(*, actor: Any = None, now: datetime | None = None) -> PurgeResult:
    """Delete expired recordings (CC-4: kept 1 year by default). A recording of a call
    linked to an open appeal is kept and flagged ``retained_for_appeal``; once the appeal is
    closed the next run deletes it. One transaction per call: the row, its audit row and
    the file go together (the file is deleted last, so a failure keeps the row)."""
    now = now or timezone.now()
    expired = _expired(now)
    needed = set(
        expired.filter(appeals__status__in=list(OPEN_STATUSES)).values_list("id", flat=True)
    )
    kept = 0
    if needed:
        kept = Call.objects.filter(id__in=needed).update(retained_for_appeal=True)
    purged = 0
    for call in expired.exclude(id__in=needed).only("id", "call_id", "recording_ref").iterator():
        _purge_one(call, actor=actor, now=now)
        purged += 1
    return PurgeResult(purged=purged, kept_for_appeal=kept)


@transaction.atomic
def _purge_one(call: Call, *, actor: Any, now: datetime) -> None:
    ref = call.recording_ref
    changed = Call.objects.filter(pk=call.pk, recording_purged_at__isnull=True).update(
        recording_ref="", recording_purged_at=now, retained_for_appeal=False
    )
    if changed != 1:  # another run took it
        return
    record(
        actor=actor,
        action="call.recording_purged",
        obj=call,
        before={"recording": ref},
        after={"recording": None},
        note="retention",
    )
    path = file_for(ref)
    if path is not None:
        path.unlink(missing_ok=True)
