"""api.md: a request without a valid token answers 401 ``unauthorized`` — also a POST, and
also where a staff page's session may stand in for the token. Ninja checked CSRF before
it looked for a session cookie, so such a POST got ``403 CSRF check Failed``; a browser's
session is still CSRF-checked (Django's test client skips CSRF unless told to enforce it,
as a real client is refused)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from abonent.core.models import Window

POSTS = [
    "/api/v1/readings",  # token, staff session or consumer session
    "/api/v1/queue/windows/1/call-next",  # token or staff session
    "/api/v1/appeals/1/assign",
    "/api/v1/callbacks/1/done",
]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("authorization", [None, "Bearer nonsense", "Basic eDp5"])
def test_a_post_without_a_valid_token_or_session_is_401(
    demo: None, path: str, authorization: str | None
) -> None:
    client = Client(enforce_csrf_checks=True)
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(path, "{}", content_type="application/json", headers=headers)
    assert response.status_code == 401, response.content
    assert response.json()["code"] == "unauthorized"


def test_a_staff_session_is_still_csrf_checked(demo: None) -> None:
    operator = get_user_model().objects.get(username="operator")
    elsewhere = Window.objects.exclude(staffprofile__user=operator).first()
    assert elsewhere is not None
    path = f"/api/v1/queue/windows/{elsewhere.pk}/call-next"
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    refused = client.post(path)
    assert refused.status_code == 403 and b"CSRF" in refused.content
    secret = "k" * 32  # the CSRF cookie a page would set, and the header a page would send
    client.cookies["csrftoken"] = secret
    answered = client.post(path, headers={"X-CSRFToken": secret})
    # Past the CSRF check, the operation itself answers: this is not the operator's window.
    assert answered.json()["code"] == "not_your_window", answered.content
