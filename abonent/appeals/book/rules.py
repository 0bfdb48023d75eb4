"""Pure rules of the complaint book (no ORM): how a result may be communicated to the writer
(B-3, B-5, B-7, B-8) and which results map to which outcome of the registry.

How the procedure's rules combine:
- B-5: without a surname or an address (postal or e-mail) no written answer is sent; the
  result is recorded in the book and the executor keeps a scan of the answer.
- B-7: a refusal gives its reasons, and is notified in writing whenever a written answer is
  possible (by post or e-mail); a writer who left only a phone is told orally (B-3).
- B-3: a writer who left an address or a phone gets a written or an oral answer.
- B-8: a satisfied entry may skip the written answer: recorded in the book only.
- B-4: an entry outside the company's activity need not be considered: recorded only, though
  the writer may still be told.
"""

from __future__ import annotations

from dataclasses import dataclass

from abonent.appeals.book.models import Result
from abonent.appeals.codes import AnswerMethod, Outcome

# The registry has no "not subject" outcome: such an entry is closed as explained, with the
# explanation (where the question belongs) as its text; the book keeps ``not_subject``.
OUTCOME_OF: dict[str, str] = {
    Result.SATISFIED: Outcome.SATISFIED,
    Result.PARTIALLY_SATISFIED: Outcome.PARTIALLY_SATISFIED,
    Result.REFUSED: Outcome.REFUSED,
    Result.EXPLAINED: Outcome.EXPLAINED,
    Result.NOT_SUBJECT: Outcome.EXPLAINED,
}
WRITTEN = frozenset({AnswerMethod.POST, AnswerMethod.EMAIL})
# The order the forms offer them in.
METHOD_ORDER = (
    AnswerMethod.POST,
    AnswerMethod.EMAIL,
    AnswerMethod.ORAL_PHONE,
    AnswerMethod.BOOK_RECORD,
)


@dataclass(frozen=True)
class Writer:
    """What the writer left in the book (all optional, B-2)."""

    last_name: str = ""
    postal_address: str = ""
    phone: str = ""
    email: str = ""

    @property
    def written_methods(self) -> frozenset[str]:
        """B-5: a written answer needs a surname and an address to send it to."""
        if not self.last_name.strip():
            return frozenset()
        found = set()
        if self.postal_address.strip():
            found.add(AnswerMethod.POST)
        if self.email.strip():
            found.add(AnswerMethod.EMAIL)
        return frozenset(found)

    @property
    def oral_methods(self) -> frozenset[str]:
        return frozenset({AnswerMethod.ORAL_PHONE}) if self.phone.strip() else frozenset()

    @property
    def is_incomplete(self) -> bool:
        """B-5: no surname or no address (postal or e-mail)."""
        return not self.last_name.strip() or not (self.postal_address.strip() or self.email.strip())


def allowed_methods(result: str, writer: Writer) -> tuple[str, ...]:
    """How the result of ``result`` may reach this writer, in the forms' order."""
    written, oral = writer.written_methods, writer.oral_methods
    allowed: set[str]
    if result == Result.REFUSED:
        allowed = set(written or oral or {AnswerMethod.BOOK_RECORD})  # B-7, B-3, B-5
    elif result in (Result.SATISFIED, Result.NOT_SUBJECT):
        allowed = {*written, *oral, AnswerMethod.BOOK_RECORD}  # B-8, B-4
    elif result in (Result.PARTIALLY_SATISFIED, Result.EXPLAINED):
        allowed = set(written | oral) or {AnswerMethod.BOOK_RECORD}  # B-3, B-5
    else:
        allowed = set()
    return tuple(m for m in METHOD_ORDER if m in allowed)


def reasons_required(result: str) -> bool:
    """B-7: a refusal must give its reasons."""
    return result == Result.REFUSED


def answer_scan_expected(*, result: str, writer: Writer, has_answer_scan: bool) -> bool:
    """B-5 step 3: the executor keeps a scanned copy of the answer to an entry whose writer
    left no surname or address."""
    return (
        bool(result)
        and result != Result.NOT_SUBJECT
        and writer.is_incomplete
        and not has_answer_scan
    )
