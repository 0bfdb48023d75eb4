"""The contact centre's endpoints are in the OpenAPI document (api.md: everything in it)."""

from __future__ import annotations

from django.test import Client


def test_the_new_endpoints_are_documented(client: Client, db: None) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in [
        "/api/v1/calls/{call_id}",
        "/api/v1/calls/{call_id}/outcome",
        "/api/v1/calls/stats",
        "/api/v1/calls/requests",
        "/api/v1/calls/requests/{request_id}/done",
        "/api/v1/callbacks",
        "/api/v1/callbacks/{callback_id}/done",
        "/api/v1/callbacks/{callback_id}/reassign",
    ]:
        assert path in paths, path
    outcome = paths["/api/v1/calls/{call_id}/outcome"]["post"]
    assert set(outcome["responses"]) >= {"200", "201"}
