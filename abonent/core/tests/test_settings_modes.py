"""Production mode refuses unsafe settings; DATABASE_URL selects the database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from abonent.core.lib.env import envbool, envint, parse_database_url

ROOT = Path(__file__).resolve().parents[3]


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ABONENT_ENV"}}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_default_secret_key() -> None:
    r = _check({"ABONENT_ENV": "production", "ALLOWED_HOSTS": "aes.kz"})
    assert r.returncode != 0
    assert "SECRET_KEY" in r.stderr


def test_production_refuses_debug() -> None:
    r = _check(
        {
            "ABONENT_ENV": "production",
            "DEBUG": "true",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "aes.kz",
        }
    )
    assert r.returncode != 0
    assert "DEBUG" in r.stderr


PRODUCTION = {
    "ABONENT_ENV": "production",
    "SECRET_KEY": "k" * 50,
    "ALLOWED_HOSTS": "aes.kz",
    "ABONENT_SMS_GATEWAY_URL": "https://sms.example.kz/send",
}


def test_production_starts_with_safe_settings() -> None:
    r = _check(PRODUCTION)
    assert r.returncode == 0, r.stderr


def test_production_without_an_sms_gateway_names_the_missing_setting() -> None:
    """Visit notices (V-1) go by SMS: production refuses to start without a gateway."""
    r = _check({k: v for k, v in PRODUCTION.items() if k != "ABONENT_SMS_GATEWAY_URL"})
    assert r.returncode != 0
    assert "ABONENT_SMS_GATEWAY_URL" in r.stderr


def test_a_malformed_flag_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        envbool("X_FLAG", False)
    monkeypatch.setenv("X_NUM", "12a")
    with pytest.raises(ImproperlyConfigured, match="X_NUM"):
        envint("X_NUM", 1)


def test_database_urls_are_parsed(tmp_path: Path) -> None:
    pg = parse_database_url("postgres://u:p%40ss@db.local:6432/abonent", base_dir=tmp_path)
    assert pg.vendor == "postgresql"
    assert (
        pg.settings["USER"],
        pg.settings["PASSWORD"],
        pg.settings["HOST"],
        pg.settings["PORT"],
        pg.settings["NAME"],
    ) == ("u", "p@ss", "db.local", "6432", "abonent")
    lite = parse_database_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert lite.settings["NAME"] == str(tmp_path / "var" / "x.sqlite3")
    absolute = parse_database_url("sqlite:////tmp/y.sqlite3", base_dir=tmp_path)
    assert absolute.settings["NAME"] == "/tmp/y.sqlite3"
    with pytest.raises(ImproperlyConfigured):
        parse_database_url("mysql://x/y", base_dir=tmp_path)


def test_postgres_connection_settings_keep_the_urls_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DB_SERVER_SIDE_BINDING", "DB_PLAN_CACHE_MODE", "DB_JIT"):
        monkeypatch.delenv(name, raising=False)
    url = "postgres://u@h/db?options=-c%20search_path%3Dabonent"
    options = parse_database_url(url, base_dir=tmp_path).settings["OPTIONS"]
    assert options["options"] == "-c search_path=abonent -c plan_cache_mode=auto -c jit=off"
    assert options["server_side_binding"] is True
    monkeypatch.setenv("DB_JIT", "on")
    monkeypatch.setenv("DB_SERVER_SIDE_BINDING", "off")
    options = parse_database_url("postgres://u@h/db", base_dir=tmp_path).settings["OPTIONS"]
    assert "options" not in options and "server_side_binding" not in options
