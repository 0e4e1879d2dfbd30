"""anymail's Postmark tracking webhook: hard bounces and complaints suppress, soft bounces don't."""

import base64
import json

import pytest

from privacy.marketing.models import Subscriber, Suppression, TrackingEvent
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

URL = "/webhooks/anymail/postmark/tracking/"
AUTH = "Basic " + base64.b64encode(b"hookuser:hook-secret").decode()


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": "hookuser:hook-secret"}


def _bounce(kind: str, event_id: int, email="Pat@Example.com") -> dict:
    return {
        "RecordType": "Bounce",
        "ID": event_id,
        "Type": kind,
        "TypeCode": 1 if kind == "HardBounce" else 4096,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": email,
        "BouncedAt": "2026-11-25T16:33:54.9070259Z",
        "Description": "test",
        "Details": "smtp;550 5.1.1",
        "Inactive": kind == "HardBounce",
        "CanActivate": True,
        "Subject": "Spring sale",
    }


def _complaint(event_id: int) -> dict:
    return {**_bounce("SpamComplaint", event_id), "RecordType": "SpamComplaint"}


def _post(client, payload, auth=AUTH, host=COMPANY_HOST):
    extra = {"HTTP_AUTHORIZATION": auth} if auth else {}
    return client.post(
        URL, json.dumps(payload), content_type="application/json", HTTP_HOST=host, **extra
    )


def test_hard_bounce_suppresses_the_address(client, company, alice, make_subscriber):
    make_subscriber("pat@example.com", alice)
    response = _post(client, _bounce("HardBounce", 101))
    assert response.status_code == 200
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason, suppression.source) == (
        "pat@example.com",
        Suppression.Reason.HARD_BOUNCE,
        "postmark",
    )
    assert Subscriber.objects.get().status == Subscriber.Status.UNSUBSCRIBED
    event = TrackingEvent.objects.get()
    assert (event.esp, event.event_id, event.event_type, event.suppressed) == (
        "Postmark",
        "101",
        "bounced",
        True,
    )


def test_soft_bounce_does_not_suppress(client, company, alice, make_subscriber):
    make_subscriber("pat@example.com", alice)
    # anymail reports Postmark's SoftBounce as "bounced" too: the raw Type decides.
    response = _post(client, _bounce("SoftBounce", 102))
    assert response.status_code == 200
    assert Suppression.objects.count() == 0
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert TrackingEvent.objects.get().suppressed is False


def test_transient_delivery_problem_does_not_suppress(client, company):
    response = _post(client, _bounce("Transient", 103))
    assert response.status_code == 200
    assert Suppression.objects.count() == 0


def test_spam_complaint_suppresses_the_address(client, company):
    response = _post(client, _complaint(104))
    assert response.status_code == 200
    suppression = Suppression.objects.get()
    assert (suppression.email, suppression.reason) == (
        "pat@example.com",
        Suppression.Reason.COMPLAINT,
    )


def test_each_event_is_processed_once(client, company, suppress):
    assert _post(client, _bounce("HardBounce", 105)).status_code == 200
    Suppression.objects.all().delete()  # e.g. the person re-subscribed since
    assert _post(client, _bounce("HardBounce", 105)).status_code == 200
    assert Suppression.objects.count() == 0
    assert TrackingEvent.objects.count() == 1


@pytest.mark.parametrize(
    "auth",
    [None, "Basic " + base64.b64encode(b"hookuser:wrong").decode()],
    ids=["no-auth", "wrong-secret"],
)
def test_webhook_without_the_secret_is_refused_and_changes_nothing(client, company, auth):
    response = _post(client, _bounce("HardBounce", 106), auth=auth)
    assert response.status_code in (400, 401, 403)
    assert Suppression.objects.count() == 0
    assert TrackingEvent.objects.count() == 0


def test_webhook_is_only_on_the_company_site(client, alice):
    response = _post(client, _bounce("HardBounce", 107), host=ALICE_HOST)
    assert response.status_code == 404
    assert Suppression.objects.count() == 0


def test_webhook_is_refused_while_no_secret_is_configured(client, company, settings):
    settings.ANYMAIL = {k: v for k, v in settings.ANYMAIL.items() if k != "WEBHOOK_SECRET"}
    response = _post(client, _bounce("HardBounce", 108), auth=None)
    assert response.status_code == 403
    assert Suppression.objects.count() == 0
    assert TrackingEvent.objects.count() == 0


@pytest.mark.parametrize("esp", ["mailgun", "sendgrid", "amazon_ses", "postmark"])
def test_a_bare_get_on_webhook_urls_never_crashes(client, company, esp):
    response = client.get(f"/webhooks/anymail/{esp}/tracking/", HTTP_HOST=COMPANY_HOST)
    assert response.status_code in (404, 405)
