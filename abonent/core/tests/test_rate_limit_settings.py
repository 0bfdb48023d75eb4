"""Public limits are settings: the defaults in code, per-scope overrides from the
environment (ABONENT_RATE_LIMIT_OVERRIDES), all off with ABONENT_RATE_LIMITS=off."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from abonent.core.errors import RateLimited
from abonent.core.lib.env import parse_rate_limits
from abonent.core.lib.ratelimit import hit


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    cache.clear()


def test_the_override_string_is_parsed_and_checked() -> None:
    assert parse_rate_limits("") == {}
    assert parse_rate_limits("book-entry=120/3600, appeal-form=5/60") == {
        "book-entry": (120, 3600),
        "appeal-form": (5, 60),
    }
    for bad in ("book-entry", "book-entry=0/60", "=5/60", "x=five/60", "x=5/0"):
        with pytest.raises(ImproperlyConfigured):
            parse_rate_limits(bad)


def test_an_override_replaces_the_default_of_its_scope_only() -> None:
    with override_settings(
        ABONENT_RATE_LIMITS=True, ABONENT_RATE_LIMIT_OVERRIDES={"kiosk": (3, 60)}
    ):
        for _ in range(3):
            hit("kiosk", "10.0.0.1", limit=1, window_seconds=60)
        with pytest.raises(RateLimited):
            hit("kiosk", "10.0.0.1", limit=1, window_seconds=60)
        hit("other", "10.0.0.1", limit=1, window_seconds=60)
        with pytest.raises(RateLimited):
            hit("other", "10.0.0.1", limit=1, window_seconds=60)


def test_limits_can_be_switched_off() -> None:
    with override_settings(ABONENT_RATE_LIMITS=False):
        for _ in range(5):
            hit("kiosk", "10.0.0.1", limit=1, window_seconds=60)
