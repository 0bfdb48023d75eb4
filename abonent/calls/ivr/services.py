"""The one write of the voice menu: take a step of a session (CC-3).

Every request of the PBX becomes an ``IvrStep`` of its session, the refused ones too, so a
session's steps are its path. A request is idempotent per ``(session, seq)``: the PBX numbers
its requests 1, 2, 3... within a session, and a retried number gets the answer stored for it
(without ``seq`` every request is a new step). The session row is locked for the step, so
two deliveries of one request cannot both advance it.

A handful of statements per step: the locked session (on PostgreSQL the first step creates
or locks it in one statement), the step's insert, the session's update; the tree and the
schedules come from per-process snapshots. The reading flow adds the cabinet's own few.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from abonent.calls.ivr.dialogue import Dialogue
from abonent.calls.ivr.models import IvrSession, IvrStep
from abonent.calls.ivr.replies import Reply
from abonent.calls.ivr.tree import get_tree
from abonent.core.errors import DomainError, InvalidInput
from abonent.core.lib.fast_insert import insert, insert_or_lock, lock, update


def now() -> datetime:
    """The clock; tests patch it."""
    return timezone.now()


@dataclass(frozen=True)
class StepAnswer:
    status: int
    body: dict[str, Any]
    replay: bool


def _open_session(session_id: str, caller: str, *, may_start: bool, at: datetime) -> IvrSession:
    """The session, locked; created by its first step (``get_or_create`` looks for it
    first, locked, so a retried first step finds the session its first delivery made)."""
    if may_start:
        new = IvrSession(session_id=session_id, caller=caller, started_at=at)
        stored = insert_or_lock(new, "session_id")  # PostgreSQL: one statement
        if stored is not None:
            return stored
        found, _made = IvrSession.objects.select_for_update().get_or_create(
            session_id=session_id, defaults={"caller": caller, "started_at": at}
        )
        return found
    written_out, session = lock(IvrSession, "session_id", session_id)  # PostgreSQL
    if not written_out:
        locked = IvrSession.objects.select_for_update().filter(session_id=session_id).order_by()
        session = next(iter(locked[:1]), None)
    if session is None:
        raise InvalidInput(
            _("This session has not started here: send its first step."), code="unknown_session"
        )
    return session


def _replay(session: IvrSession, seq: int | None) -> StepAnswer | None:
    if seq is None or seq > session.last_seq:
        if seq is not None and seq != session.last_seq + 1:
            raise DomainError(
                _("A step is missing before this one."),
                code="seq_gap",
                extra={"expected_seq": session.last_seq + 1},
            )
        return None
    old = IvrStep.objects.filter(session=session, seq=seq).only("status", "response").first()
    if old is None:  # numbered by us when the PBX sent no number: cannot be a retry
        raise DomainError(_("This step number is taken."), code="seq_conflict")
    return StepAnswer(status=old.status, body=old.response, replay=True)


@transaction.atomic
def take_step(
    *,
    session_id: str,
    caller: str,
    keys: str,
    seq: int | None,
    hangup: bool,
    actor: Any,
) -> StepAnswer:
    """The caller's next step: 200 with what to do next, or 422 with the code of a refused
    entry and, in the same body, what to do next (ask again, or the operator). Raises
    ``unknown_session`` (422), ``seq_gap``/``seq_conflict``/``session_ended`` (409). A
    hang-up reported after the session ended (a transfer) changes nothing and answers 200."""
    at = now()
    may_start = not hangup and seq in (None, 1)
    session = _open_session(session_id, caller, may_start=may_start, at=at)
    replayed = _replay(session, seq)
    if replayed is not None:
        return replayed
    if session.ended_at is not None:
        if hangup:  # the scenario's hang-up branch after a transfer: nothing more to do
            return StepAnswer(status=200, body=_ended_body(session), replay=True)
        raise DomainError(_("This session has ended."), code="session_ended")
    status, body, step = advance(session, keys=keys, hangup=hangup, at=at, actor=actor)
    insert(step)
    update(session)
    return StepAnswer(status=status, body=body, replay=False)


def advance(
    session: IvrSession, *, keys: str, hangup: bool, at: datetime, actor: Any
) -> tuple[int, dict[str, Any], IvrStep]:
    """The caller's step on the session, in memory: the answer's status and body, and the
    step's row to store (of ``session.pk``; a new session's is set by whoever stores it)."""
    node_before = session.node_code
    dialogue = Dialogue(get_tree(), session, at, actor)
    if hangup:
        reply = dialogue.caller_hung_up()
    elif session.last_seq == 0:
        reply = dialogue.start()
    else:
        reply = dialogue.handle(keys)
    session.last_seq += 1
    status = 422 if reply.error else 200
    body = answer_body(session, reply)
    step = IvrStep(
        session_id=session.pk,
        seq=session.last_seq,
        at=at,
        node_code=node_before or session.node_code,
        input=keys,
        result=reply.result,
        action=reply.action,
        status=status,
        response=body,
    )
    return status, body, step


def _ended_body(session: IvrSession) -> dict[str, Any]:
    return answer_body(session, Reply("hangup", "", "ended"))


def answer_body(session: IvrSession, reply: Reply) -> dict[str, Any]:
    body: dict[str, Any] = {
        "session": session.session_id,
        "seq": session.last_seq,
        "language": session.language,
        "action": reply.action,
        "prompt": reply.prompt,
        "prompt_code": reply.prompt_code,
        "expect": asdict(reply.expect) if reply.expect is not None else None,
        "transfer_to": reply.transfer_to or None,
        "outcome": session.outcome or None,
    }
    if reply.error:
        body = {"code": reply.error, "message": reply.message, **body}
    return body
