"""Shared fixtures: the demo organisation, staff personas and API clients."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.appeals.demo import load_topics
from abonent.core.demo import load_demo
from abonent.core.services import issue_api_token


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Real hashing costs ~0.5 s per password: tests need the behaviour, not the cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db: None) -> None:
    load_demo()
    load_topics()


@pytest.fixture
def token_for(db: None) -> Callable[[str], str]:
    def make(username: str) -> str:
        user = get_user_model().objects.get(username=username)
        return issue_api_token(user=user, name="test")

    return make


@pytest.fixture
def api(client: Client) -> Client:
    return client


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("ABONENT_BROWSER_TESTS") == "required":
            pytest.fail("Chromium is required for page tests (Debian package 'chromium').")
        pytest.skip("Debian's chromium is not installed")
    return path
