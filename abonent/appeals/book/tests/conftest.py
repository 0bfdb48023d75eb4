from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache

from abonent.appeals.book.demo import load_demo as load_books


@pytest.fixture
def books(demo: None) -> None:
    """The demo organisation with its books (B-1)."""
    load_books()


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tokens(books: None, token_for: Callable[[str], str]) -> dict[str, str]:
    names = ("chancellery", "head", "operator", "manager", "executor", "clerk", "hall_admin")
    return {u: token_for(u) for u in names}


@pytest.fixture(autouse=True)
def _media(settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Scans go to a temporary MEDIA_ROOT, not to the working copy's var/."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))  # type: ignore[attr-defined]
