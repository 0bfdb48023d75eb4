"""``make screenshots``: PNGs of the website's main pages in Russian and Kazakh for the README.

Starts the app on a temporary SQLite database with the demo data (the organisation, its
hours and the website's content), opens the pages in headless Chromium and writes
docs/screenshots/<page>-<lang>.png (and a phone-width home page). Nothing is left running.

    python -m abonent.portal.screenshots [--out docs/screenshots] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    ("home", "/"),
    ("contacts", "/offices/"),
    ("individuals", "/individuals/"),
    ("legal-entities", "/legal-entities/"),
    ("tariffs", "/tariffs/"),
    ("faq", "/faq/?q=%D1%81%D1%87%D1%91%D1%82"),  # "счёт"
    ("payment", "/payment/"),
    ("documents", "/documents/"),
    ("not-found", "/no-such-page/"),
]
LANGS = ("ru", "kk")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local server
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="abonent-shots-") as tmp:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="abonent.settings",
            DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
            ABONENT_VAR_DIR=tmp,
            ABONENT_RATE_LIMITS="off",
            ABONENT_EVENT_BUS="local",
            DEBUG="false",
            MAIL_MODE="file",
        )
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "seed_demo")
        _manage(env, "shell", "-c", "from abonent.portal.demo import load_demo; load_demo()")
        _manage(env, "collectstatic", "--noinput", "-v0")
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "uvicorn",
                "abonent.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base + "/healthz")
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=args.chromium, args=["--no-sandbox", "--disable-gpu"]
                )
                for lang in LANGS:
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    context.add_cookies([{"name": "abonent_lang", "value": lang, "url": base}])
                    page = context.new_page()
                    for name, path in PAGES:
                        page.goto(base + path)
                        page.screenshot(path=str(out / f"{name}-{lang}.png"), full_page=True)
                    context.close()
                phone = browser.new_context(viewport={"width": 390, "height": 844})
                phone.add_cookies([{"name": "abonent_lang", "value": "kk", "url": base}])
                page = phone.new_page()
                page.goto(base + "/")
                page.screenshot(path=str(out / "home-phone-kk.png"), full_page=True)
                browser.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"Screenshots written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
