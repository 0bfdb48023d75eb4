"""Asking for a one-time code (PC-1, review 2 item 7): the request only enqueues a task,
the same for a login that exists and one that does not — no lookup, no code, no SMTP
exchange in the request, so its time tells nothing; the worker sends the code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from abonent.cabinet import codes
from abonent.cabinet.models import SignInCode

from .conftest import Clock


@pytest.mark.django_db
def test_the_request_enqueues_the_same_task_whatever_the_login(
    client: Client,
    cabinet_demo: None,
    auth_clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
    run_tasks: Any,
) -> None:
    sent: list[str] = []
    monkeypatch.setattr(codes, "_send", lambda email, code, language: sent.append(email))
    for login in ("nobody@demo.kz", "Bereke@Demo.kz "):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post("/cabinet/sign-in/code/", {"login": login})
        assert response.status_code == 200
        assert callbacks == []
    assert sent == []
    assert SignInCode.objects.count() == 0
    tasks = DBTaskResult.objects.order_by("enqueued_at", "id")
    assert [t.task_path for t in tasks] == ["abonent.cabinet.tasks.issue_code"] * 2
    assert [t.args_kwargs["kwargs"]["login"] for t in tasks] == [
        "nobody@demo.kz",
        "bereke@demo.kz",
    ]
    run_tasks()
    assert len(sent) == 1
    assert SignInCode.objects.get().login.login == "bereke@demo.kz"
