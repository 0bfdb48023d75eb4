"""The website's content on top of the demo organisation, and a settable clock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from abonent.portal import demo as portal_demo
from abonent.portal import queries

ASTANA = ZoneInfo("Asia/Almaty")
TUESDAY_10 = datetime(2026, 11, 24, 10, 0, tzinfo=ASTANA)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def site(demo: None) -> portal_demo.Created:
    return portal_demo.load_demo(with_files=False)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Set the website's clock: ``at(datetime)``; Tuesday 10:00 in Astana to begin with."""

    def set_(when: datetime) -> datetime:
        monkeypatch.setattr(queries, "now", lambda: when)
        return when

    set_(TUESDAY_10)
    return set_
