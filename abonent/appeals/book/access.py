"""Who may see and do what with the complaint books. The writers' names and contacts are
shown only to staff who handle the book.

- Chancellery specialists and managers: every book.
- The book's responsible person (B-1): their book.
- Intake staff of an office (operators, senior operators, hall administrators, heads): the
  book of their own office only; they may type in a paper entry.
- Recording the result (B-6): the responsible person, the Chancellery, managers.
- The executor the registry assigned the entry's appeal to may open it and attach the
  scanned copy of the answer (B-5).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from abonent.appeals.book.models import BookEntry, ComplaintBook
from abonent.core.auth import has_role
from abonent.core.models import StaffProfile
from abonent.core.roles import Role

ALL_BOOKS_ROLES = (Role.CHANCELLERY, Role.MANAGER)
OFFICE_ROLES = (Role.OPERATOR, Role.SENIOR_OPERATOR, Role.HALL_ADMIN, Role.HEAD)
RECORD_ROLES = (Role.CHANCELLERY, Role.MANAGER)


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def staff_office_id(user: Any) -> int | None:
    """The office of the user's staff profile, read once per request."""
    if not _authenticated(user):
        return None
    if not hasattr(user, "_book_office_id"):
        user._book_office_id = (
            StaffProfile.objects.filter(user_id=user.pk).values_list("office_id", flat=True).first()
        )
    office_id: int | None = user._book_office_id
    return office_id


def sees_all_books(user: Any) -> bool:
    return _authenticated(user) and has_role(user, *ALL_BOOKS_ROLES)


def can_view_book(user: Any, book: ComplaintBook) -> bool:
    if not _authenticated(user):
        return False
    if sees_all_books(user) or book.responsible_id == user.pk:
        return True
    return has_role(user, *OFFICE_ROLES) and staff_office_id(user) == book.office_id


def can_type_in(user: Any, book: ComplaintBook) -> bool:
    """A paper entry is typed in by the book's responsible person or an operator of that
    office (the Chancellery keeps the central office's book)."""
    return can_view_book(user, book)


def can_record(user: Any, book: ComplaintBook) -> bool:
    """B-6: the result is recorded by an authenticated staff member who answers for it."""
    if not _authenticated(user):
        return False
    return has_role(user, *RECORD_ROLES) or book.responsible_id == user.pk


def can_view_entry(user: Any, entry: BookEntry) -> bool:
    return can_view_book(user, entry.book) or (
        _authenticated(user) and entry.appeal.executor_id == user.pk
    )


def can_attach(user: Any, entry: BookEntry) -> bool:
    return can_view_entry(user, entry)


def visible_books(user: Any) -> Any:
    """The books the user may open (a QuerySet)."""
    qs = ComplaintBook.objects.select_related("office", "responsible")
    if not _authenticated(user):
        return qs.none()
    if sees_all_books(user):
        return qs
    cond = Q(responsible_id=user.pk)
    office_id = staff_office_id(user)
    if office_id is not None and has_role(user, *OFFICE_ROLES):
        cond |= Q(office_id=office_id)
    return qs.filter(cond)
