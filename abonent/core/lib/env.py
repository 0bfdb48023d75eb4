"""Typed readers for settings from environment variables.

They fail loudly: a malformed value stops the process at start with a message naming the
variable, instead of silently falling back to a default that hides the mistake.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, not {value}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class DatabaseUrl:
    vendor: str
    settings: dict[str, Any]


def parse_database_url(url: str, *, base_dir: Path) -> DatabaseUrl:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into DATABASES."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        raw_path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not raw_path:
            raise ImproperlyConfigured("DATABASE_URL sqlite:/// needs a file path")
        path = Path(raw_path)
        if not path.is_absolute():
            path = base_dir / path
        return DatabaseUrl(
            "sqlite",
            {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(path),
                "OPTIONS": {
                    # WAL lets readers go on while one process writes; IMMEDIATE makes
                    # writers queue on the lock instead of failing with "database is locked".
                    "init_command": (
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                        "PRAGMA busy_timeout=10000;"
                    ),
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                },
                # One test database per process: parallel test runs never share a file.
                "TEST": {
                    "NAME": str(path.with_name(f"{path.stem}_test_{os.getpid()}{path.suffix}"))
                },
            },
        )
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL postgres:// needs a database name")
        options: dict[str, Any] = dict(parse_qsl(parts.query))
        # Under ASGI every request's sync code may run on a new thread, so per-thread
        # persistent connections pile up: a small per-process pool is used instead.
        pool_max = int(options.pop("pool_max", os.environ.get("DB_POOL_MAX", "8")))
        if pool_max > 0:
            options["pool"] = {"min_size": 1, "max_size": pool_max, "timeout": 10}
        # Server-side parameter binding lets PostgreSQL prepare the statements a process
        # repeats (after DB_PREPARE_THRESHOLD runs): less parsing per request. PostgreSQL's
        # own plan_cache_mode (auto) then reuses a generic plan where it estimates it no
        # costlier than the custom ones, so a query whose partial index only a custom plan
        # can use normally keeps custom plans (DB_PLAN_CACHE_MODE=force_custom_plan makes
        # that certain). Normally: where PostgreSQL misjudges a value's frequency it prefers
        # a generic plan that is far worse, so a hot query must be written so that every plan
        # of it is good (appeals' ``_earlier_answered`` is the example). Planning the hot
        # statements every time was half their cost (token lookup 1.25 -> 0.57 ms, a PBX
        # event's statement 2.3 -> 1.6 ms on the bench box).
        server_settings: list[str] = []
        if envbool("DB_SERVER_SIDE_BINDING", True):
            options["server_side_binding"] = True
            options["prepare_threshold"] = envint("DB_PREPARE_THRESHOLD", 5, minimum=0)
            plan_cache_mode = os.environ.get("DB_PLAN_CACHE_MODE", "auto")
            if plan_cache_mode not in {"auto", "force_custom_plan", "force_generic_plan"}:
                raise ImproperlyConfigured(f"DB_PLAN_CACHE_MODE: unknown mode {plan_cache_mode!r}")
            server_settings.append(f"-c plan_cache_mode={plan_cache_mode}")
        # JIT compiles a query whose estimated cost is high — 15-200 ms spent before the
        # first row, which an OLTP request never earns back (a registration's repeat check
        # took 223 ms instead of 0.3 where a generic plan misjudged a contact's frequency).
        if not envbool("DB_JIT", False):
            server_settings.append("-c jit=off")
        # Server settings for every connection, after any the URL's ?options= gives.
        if joined := " ".join([options.get("options", ""), *server_settings]).strip():
            options["options"] = joined
        return DatabaseUrl(
            "postgresql",
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": name,
                "USER": unquote(parts.username or ""),
                "PASSWORD": unquote(parts.password or ""),
                "HOST": parts.hostname or "",
                "PORT": str(parts.port or ""),
                "CONN_MAX_AGE": 0,
                "OPTIONS": options,
            },
        )
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:/// or postgres://, not {scheme or url!r}"
    )


def parse_rate_limits(text: str) -> dict[str, tuple[int, int]]:
    """``"scope=limit/seconds,scope2=limit/seconds"`` → ``{scope: (limit, seconds)}``."""
    out: dict[str, tuple[int, int]] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        scope, _, rule = part.partition("=")
        limit, _, seconds = rule.partition("/")
        try:
            parsed = (int(limit), int(seconds))
        except ValueError:
            raise ImproperlyConfigured(
                f"ABONENT_RATE_LIMIT_OVERRIDES: {part!r} is not scope=limit/seconds"
            ) from None
        if not scope.strip() or parsed[0] < 1 or parsed[1] < 1:
            raise ImproperlyConfigured(
                f"ABONENT_RATE_LIMIT_OVERRIDES: {part!r} is not scope=limit/seconds"
            )
        out[scope.strip()] = parsed
    return out
