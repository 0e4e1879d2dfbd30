"""JSON logs carry a request id and no personal data; Sentry events are scrubbed."""

from __future__ import annotations

import json
import logging

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from shopsocial import health
from shopsocial.sentry import sentry_init
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

EMAIL = "carol.pii@example.com"
SSN = "123-45-6789"
SECRET_TOKEN = "tok3nS3cretValue42"
# Built at run time: Sentry sends the source lines around each frame, and a literal
# in this file would show up there.
COOKIE = "-".join(["session", "cookie", "value", "xyz"])
API_KEY = "-".join(["api", "secret", "123"])
CLIENT_IP = ".".join(["203", "0", "113", "9"])


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def log_output():
    """The project's LOGGING (settings), its console handler writing into a buffer."""
    import copy
    import io
    import logging.config

    from django.conf import settings

    buffer = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)
    yield buffer
    logging.config.dictConfig(settings.LOGGING)


def test_each_request_logs_one_json_line_with_its_request_id(client, company, log_output):
    response = client.get("/privacy/", HTTP_HOST=ALICE_HOST)
    given = client.get("/privacy/", HTTP_HOST=ALICE_HOST, HTTP_X_REQUEST_ID="lb-req-0001-abc")
    forged = client.get("/privacy/", HTTP_HOST=ALICE_HOST, HTTP_X_REQUEST_ID='x" injected')
    lines = [e for e in json_lines(log_output.getvalue()) if e["logger"] == "shopsocial.access"]
    assert [e["request_id"] for e in lines] == [
        response["X-Request-ID"],
        "lb-req-0001-abc",
        forged["X-Request-ID"],
    ]
    assert given["X-Request-ID"] == "lb-req-0001-abc"
    assert len(forged["X-Request-ID"]) == 32  # a new id, not the forged header
    assert lines[0] | {"request_id": "-", "ts": "-", "duration_ms": 0} == {
        "ts": "-",
        "level": "INFO",
        "logger": "shopsocial.access",
        "msg": "request",
        "request_id": "-",
        "method": "GET",
        "route": "/privacy/",
        "view": "privacy:policy",
        "status": 200,
        "duration_ms": 0,
        "schema": "r_alice",
    }


def test_logs_hold_no_email_token_or_tax_id(client, company, log_output):
    client.get(f"/?email={EMAIL}&ssn={SSN}", HTTP_HOST=ALICE_HOST)
    client.get(f"/orders/status/{SECRET_TOKEN}/", HTTP_HOST=ALICE_HOST)
    client.post(
        "/backoffice/password-reset/",
        {"email": EMAIL, "retailer_id": "1001"},
        HTTP_HOST=COMPANY_HOST,
    )
    # Code that breaks the rule and logs an address is masked on the way out.
    logging.getLogger("orders").warning("confirmation sent to %s, tax id %s", EMAIL, SSN)
    output = log_output.getvalue()
    entries = json_lines(output)
    assert len(entries) >= 4
    assert EMAIL not in output
    assert SSN not in output
    assert SECRET_TOKEN not in output
    assert any(e["msg"] == "Not Found: /orders/status/<str:token>/" for e in entries)
    assert any(e["msg"] == "confirmation sent to [email], tax id [tax-id]" for e in entries)


class CapturingTransport(Transport):
    def __init__(self, options=None) -> None:
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope) -> None:
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events():
    transport = CapturingTransport()
    sentry_init(dsn="https://public@sentry.invalid/1", environment="test", transport=transport)
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off again


def test_a_server_error_reaches_sentry_without_personal_data(
    client, company, monkeypatch, sentry_events
):
    def failing_checks() -> dict:
        customer_email = EMAIL  # noqa: F841 - a local variable Sentry would capture
        tax_id = SSN  # noqa: F841
        raise RuntimeError(f"could not notify {EMAIL} about {SSN}")

    monkeypatch.setattr(health, "readiness_checks", failing_checks)
    client.raise_request_exception = False
    client.cookies["sessionid"] = COOKIE
    response = client.get(
        f"/readyz?email={EMAIL}",
        HTTP_HOST=COMPANY_HOST,
        HTTP_AUTHORIZATION=f"Bearer {API_KEY}",
        HTTP_X_FORWARDED_FOR=CLIENT_IP,
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    assert len(sentry_events) == 1
    event = sentry_events[0]
    text = json.dumps(event)
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert "failing_checks" in text  # the stack trace is there
    for secret in (EMAIL, SSN, COOKIE, API_KEY, CLIENT_IP):
        assert secret not in text, secret
    assert "user" not in event
