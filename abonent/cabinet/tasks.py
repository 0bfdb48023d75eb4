"""Background work of the personal cabinet."""

from __future__ import annotations

from django.tasks import task


@task(queue_name="mail")
def issue_code(login: str, language: str) -> None:
    """A one-time sign-in code for ``login`` (codes.issue): out of the request, so asking for
    a code takes the same time whether or not the login exists (PC-1)."""
    from abonent.cabinet import codes

    codes.issue(login=login, language=language)
