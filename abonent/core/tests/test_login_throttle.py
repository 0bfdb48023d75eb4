"""Staff log-in is throttled (architecture: login throttling); demo passwords still work."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_password_guessing_is_stopped_and_the_right_password_then_waits(
    demo: None, client: Client
) -> None:
    cache.clear()
    with override_settings(ABONENT_RATE_LIMITS=True):
        codes = [
            client.post("/staff/login/", {"username": "clerk", "password": f"guess{i}"}).status_code
            for i in range(11)
        ]
        assert codes[:10] == [200] * 10 and codes[10] == 429
        r = client.post("/staff/login/", {"username": "clerk", "password": "demo"})
        assert r.status_code == 429
        assert "_auth_user_id" not in client.session
    cache.clear()


def test_a_demo_user_logs_in(demo: None, client: Client) -> None:
    r = client.post("/staff/login/", {"username": "clerk", "password": "demo"})
    assert r.status_code == 302 and r["Location"] == "/staff/"
