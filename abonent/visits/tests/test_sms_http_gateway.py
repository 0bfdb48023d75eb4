"""The HTTP SMS gateway adapter against a local fake gateway: the request it sends, the
message id it keeps, a refusal recorded as a failure; the gateway's delivery report marks
the notice delivered (integration token only)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings

from abonent.visits import sms
from abonent.visits.models import NoticeStatus, VisitNotice
from abonent.visits.tasks import send_visit_notice
from abonent.visits.tests.conftest import NEXT_TUESDAY, plan

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class FakeGateway(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        FakeGateway.received.append(
            {"auth": self.headers["Authorization"], "body": json.loads(self.rfile.read(length))}
        )
        self.send_response(FakeGateway.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": f"gw-{len(FakeGateway.received)}"}).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway() -> Iterator[str]:
    FakeGateway.received = []
    FakeGateway.status = 200
    server = HTTPServer(("127.0.0.1", 0), FakeGateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/send"
    finally:
        server.shutdown()
        server.server_close()


def test_the_adapter_posts_json_with_the_token(gateway: str) -> None:
    backend = sms.HttpGatewayBackend(gateway, "secret-token", "AES", 5)
    assert backend.send(to="+77010000000", text="Сәлем") == "gw-1"
    assert FakeGateway.received == [
        {
            "auth": "Bearer secret-token",
            "body": {"to": "+77010000000", "text": "Сәлем", "sender": "AES"},
        }
    ]


def test_a_refusal_by_the_gateway_is_an_sms_error(gateway: str) -> None:
    FakeGateway.status = 503
    with pytest.raises(sms.SmsError, match="503"):
        sms.HttpGatewayBackend(gateway, "t", "AES", 5).send(to="+77010000000", text="x")


@pytest.mark.django_db
def test_a_notice_sent_through_the_gateway_is_then_delivered(
    gateway: str, api_as, clock, token_for
) -> None:
    with override_settings(
        ABONENT_SMS_BACKEND="http", ABONENT_SMS_GATEWAY_URL=gateway, MAILERS=LOCMEM
    ):
        visit = plan(NEXT_TUESDAY)
        notice = VisitNotice.objects.get(visit=visit, channel="sms")
        assert send_visit_notice.call(notice_id=notice.pk) == "sent"
    notice.refresh_from_db()
    assert (notice.status, notice.provider_id) == (NoticeStatus.SENT, "gw-1")
    assert FakeGateway.received[0]["body"]["to"] == "+77019998877"

    pbx = get_user_model().objects.create(username="smsgw")
    pbx.groups.add(Group.objects.get(name="integration"))
    report = {"message_id": "gw-1", "status": "delivered"}
    assert api_as("head").post("/sms-status", report).status_code == 403
    res = api_as("smsgw").post("/sms-status", report)
    assert res.status_code == 200
    assert res.json() == {"updated": 1}
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DELIVERED
    assert notice.delivered_at == clock.at
