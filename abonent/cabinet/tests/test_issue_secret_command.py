"""`manage.py issue_cabinet_secret`: the new secret works and the old one no longer does."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from abonent.cabinet import auth

from .conftest import Clock


def test_it_prints_a_working_secret_once(cabinet_demo: None, auth_clock: Clock) -> None:
    out = io.StringIO()
    call_command("issue_cabinet_secret", "1000000002", stdout=out)
    secret = re.search(r"Secret: (\S+)", out.getvalue())
    assert secret is not None
    assert auth.sign_in(login="1000000002", secret=secret.group(1)).login == "1000000002"
    with pytest.raises(auth.InvalidCredentials):
        auth.sign_in(login="1000000002", secret="demo")


def test_representatives_only_for_legal_entities(cabinet_demo: None) -> None:
    with pytest.raises(CommandError):
        call_command("issue_cabinet_secret", "1000000002", "--representative", "x@y.kz")
    with pytest.raises(CommandError):
        call_command("issue_cabinet_secret", "404")
    out = io.StringIO()
    call_command(
        "issue_cabinet_secret",
        "2000000003",
        "--representative",
        "New@Bala7.kz",
        "--name",
        "Ким А.",
        stdout=out,
    )
    assert "Login: new@bala7.kz" in out.getvalue()
