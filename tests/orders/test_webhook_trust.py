"""Webhooks trust only what the gateway confirms (issue 11 item 5).

Every money-changing event is confirmed by reading its object back; a signed but
malformed body is a 400; an event about an object we don't know is recorded and
acknowledged with a 2xx (no endless retries).
"""

from __future__ import annotations

import json

import pytest

from orders.gateways import offline
from orders.models import OfflineCheckoutSession, Order, OrderEvent, WebhookEvent
from shopsocial.mail.models import OutboundEmail
from tests.conftest import COMPANY_HOST

from .conftest import OFFLINE_SECRET, cart_fill, checkout_post, session_event, signed_event_post
from .test_stripe_gateway import STRIPE_WEBHOOK_SECRET, _paid_stripe_order, fake_stripe  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_events(monkeypatch) -> list[dict]:
    held: list[dict] = []
    monkeypatch.setattr(offline, "offline_event_deliver", lambda *, event: held.append(event))
    return held


@pytest.fixture
def paid(client, alice, candle, held_events, django_capture_on_commit_callbacks) -> Order:
    cart_fill(client, {candle: 2})
    with django_capture_on_commit_callbacks(execute=True):
        checkout_post(client)
    order = Order.objects.get()
    offline.offline_session_settle(session_id=order.checkout_session_id, pay=True)
    with django_capture_on_commit_callbacks(execute=True):
        signed_event_post(
            client,
            session_event("evt_paid", "checkout.session.completed", order.checkout_session_id),
        )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def _refund_event(event_id: str, payment_intent: str, claimed: int) -> dict:
    return {
        "id": event_id,
        "type": "charge.refunded",
        "data": {
            "object": {"id": "ch_x", "payment_intent": payment_intent, "amount_refunded": claimed}
        },
    }


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b'{"id": "evt_1"}',
        b'{"id": "evt_1", "type": "checkout.session.completed"}',
        b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {}}}',
        b'{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"id": 7}}}',
        b'{"id": "evt_1", "type": "checkout.session.completed", "data": "x"}',
        b'{"id": "evt_1", "type": "charge.refunded", "data": {"object": {"id": "ch_1"}}}',
        b'{"id": ["evt_1"], "type": "charge.refunded"}',
        b'{"id": "evt_1", "type": "checkout.session.expired", "data": {"object": {"id": "cs_\\u0000"}}}',
        b"\xff\xfe not utf-8",
    ],
)
def test_signed_malformed_body_is_a_400_and_records_nothing(client, company, body):
    import stripe

    header = stripe.WebhookSignature.generate_signature_header(
        body.decode("latin-1") if body.startswith(b"\xff") else body.decode(), OFFLINE_SECRET
    )
    if body.startswith(b"\xff"):
        # Stripe's helper signs text; sign the raw bytes ourselves for bad UTF-8.
        from orders.gateways.signing import signature_header

        header = signature_header(payload=body, secret=OFFLINE_SECRET)
    response = client.post(
        "/webhooks/stripe/",
        data=body,
        content_type="application/json",
        HTTP_HOST=COMPANY_HOST,
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_event_about_a_session_the_gateway_does_not_know_is_recorded_and_acknowledged(
    client, company
):
    event = session_event("evt_ghost", "checkout.session.completed", "cs_offline_unknown")
    for _ in range(2):
        response = signed_event_post(client, event)
        assert response.status_code == 200
    assert [response.json()["status"]] == ["duplicate"]
    recorded = WebhookEvent.objects.get()
    assert (recorded.event_id, recorded.order) == ("evt_ghost", None)
    assert Order.objects.count() == 0


def test_first_delivery_of_an_unknown_object_answers_unknown_object(client, company):
    event = session_event("evt_ghost", "checkout.session.expired", "cs_offline_unknown")
    response = signed_event_post(client, event)
    assert response.json() == {"status": "unknown_object"}


def test_refund_for_a_payment_we_do_not_know_is_recorded_and_acknowledged(client, company):
    response = signed_event_post(client, _refund_event("evt_r", "pi_not_ours", 500))
    assert response.status_code == 200
    assert response.json() == {"status": "unknown_object"}
    assert WebhookEvent.objects.get().order is None


def test_refund_event_amount_is_not_trusted_the_gateway_is_read_back(
    client, paid, django_capture_on_commit_callbacks, mailoutbox
):
    # The body claims the whole order was refunded; the gateway has refunded nothing.
    response = signed_event_post(client, _refund_event("evt_r1", paid.payment_intent_id, 4793))
    assert response.status_code == 200
    paid.refresh_from_db()
    assert paid.status == Order.Status.PAID
    assert paid.refunded_amount == 0
    # Now the gateway really refunds 5.00: that (not the body's 47.93) is recorded.
    OfflineCheckoutSession.objects.filter(payment_intent_id=paid.payment_intent_id).update(
        amount_refunded=500
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed_event_post(client, _refund_event("evt_r2", paid.payment_intent_id, 4793))
    paid.refresh_from_db()
    assert paid.status == Order.Status.PARTIALLY_REFUNDED
    assert str(paid.refunded_amount) == "5.00"


def test_stripe_dispute_is_noted_only_when_stripe_confirms_it(
    client,
    alice,
    candle,
    fake_stripe,  # noqa: F811
):
    order = _paid_stripe_order(client, fake_stripe, candle)
    dispute = {
        "id": "evt_dp1",
        "type": "charge.dispute.created",
        "data": {"object": {"id": "dp_1", "charge": "ch_pi_test_1", "payment_intent": "pi_test_1"}},
    }
    assert signed_event_post(client, dispute, secret=STRIPE_WEBHOOK_SECRET).status_code == 200
    assert not OrderEvent.objects.filter(order=order, message__contains="disputed").exists()
    assert fake_stripe.requests[-1]["path"] == "/v1/payment_intents/pi_test_1"

    fake_stripe.intents["pi_test_1"]["latest_charge"]["disputed"] = True
    dispute["id"] = "evt_dp2"
    assert signed_event_post(client, dispute, secret=STRIPE_WEBHOOK_SECRET).status_code == 200
    note = OrderEvent.objects.get(order=order, message__contains="disputed")
    assert note.actor == "gateway:evt_dp2"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # a dispute is for staff to answer


def test_stripe_session_unknown_to_stripe_is_recorded_not_retried(
    client,
    alice,
    fake_stripe,  # noqa: F811
):
    event = session_event("evt_404", "checkout.session.completed", "cs_test_missing")
    response = signed_event_post(client, event, secret=STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 200
    assert response.json() == {"status": "unknown_object"}
    assert WebhookEvent.objects.filter(event_id="evt_404", order=None).exists()


def test_stripe_expired_event_is_confirmed_by_reading_the_session(
    client,
    alice,
    candle,
    fake_stripe,  # noqa: F811
):
    cart_fill(client, {candle: 1})
    checkout_post(client)
    # The body says expired; Stripe says the session is still open: nothing happens.
    response = signed_event_post(
        client,
        session_event("evt_x", "checkout.session.expired", "cs_test_1"),
        secret=STRIPE_WEBHOOK_SECRET,
    )
    assert response.status_code == 200
    assert fake_stripe.requests[-1]["path"] == "/v1/checkout/sessions/cs_test_1"
    assert Order.objects.get().status == Order.Status.PENDING_PAYMENT
    fake_stripe.sessions["cs_test_1"]["status"] = "expired"
    signed_event_post(
        client,
        session_event("evt_x2", "checkout.session.expired", "cs_test_1"),
        secret=STRIPE_WEBHOOK_SECRET,
    )
    assert Order.objects.get().status == Order.Status.CANCELED


def test_offline_gateway_delivers_through_the_injected_sink(
    client, alice, candle, django_capture_on_commit_callbacks, monkeypatch
):
    received: list[tuple[bytes, dict]] = []
    monkeypatch.setattr(
        offline, "_event_sink", lambda payload, headers: received.append((payload, dict(headers)))
    )
    cart_fill(client, {candle: 1})
    with django_capture_on_commit_callbacks(execute=True):
        checkout_post(client)
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        offline.offline_session_settle(session_id=order.checkout_session_id, pay=True)
    ((payload, headers),) = received
    assert json.loads(payload)["type"] == "checkout.session.completed"
    assert headers["Stripe-Signature"].startswith("t=")
    assert OutboundEmail.objects.count() == 0  # the sink, not the shop, got it
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
