"""POST /webhooks/stripe/: signature on the raw body, each event once, current state wins."""

from __future__ import annotations

import json
import time

import pytest

from orders.gateways import offline
from orders.models import OfflineCheckoutSession, Order, OrderEvent, WebhookEvent
from shopsocial.mail.models import OutboundEmail
from tests.conftest import COMPANY_HOST

from .conftest import cart_fill, checkout_post, session_event, signed_event_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_events(monkeypatch) -> list[dict]:
    """The offline gateway's own deliveries are held back; tests deliver by hand."""
    held: list[dict] = []
    monkeypatch.setattr(offline, "offline_event_deliver", lambda *, event: held.append(event))
    return held


@pytest.fixture
def placed(client, alice, candle, held_events, django_capture_on_commit_callbacks) -> Order:
    cart_fill(client, {candle: 2})
    with django_capture_on_commit_callbacks(execute=True):
        checkout_post(client)
    return Order.objects.get()


def _settle(order: Order, *, pay: bool) -> None:
    offline.offline_session_settle(session_id=order.checkout_session_id, pay=pay)


def _unchanged(order: Order, *, status: str, stock: int, candle) -> None:
    order.refresh_from_db()
    candle.refresh_from_db()
    assert order.status == status
    assert candle.stock == stock


def test_bad_signature_is_refused_and_changes_nothing(client, placed, candle):
    _settle(placed, pay=True)
    event = session_event("evt_1", "checkout.session.completed", placed.checkout_session_id)
    response = signed_event_post(client, event, secret="whsec_someone_else")
    assert response.status_code == 400
    _unchanged(placed, status=Order.Status.PENDING_PAYMENT, stock=8, candle=candle)
    assert WebhookEvent.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_missing_signature_is_refused(client, placed, candle):
    _settle(placed, pay=True)
    event = session_event("evt_1", "checkout.session.completed", placed.checkout_session_id)
    response = client.post(
        "/webhooks/stripe/",
        json.dumps(event),
        content_type="application/json",
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 400
    _unchanged(placed, status=Order.Status.PENDING_PAYMENT, stock=8, candle=candle)
    assert WebhookEvent.objects.count() == 0


def test_stale_signature_timestamp_is_refused(client, placed, candle):
    _settle(placed, pay=True)
    event = session_event("evt_1", "checkout.session.completed", placed.checkout_session_id)
    response = signed_event_post(client, event, timestamp=int(time.time()) - 3600)
    assert response.status_code == 400
    _unchanged(placed, status=Order.Status.PENDING_PAYMENT, stock=8, candle=candle)
    assert WebhookEvent.objects.count() == 0


def test_a_signature_timestamp_in_the_future_is_refused(client, placed, candle):
    # issue 30 item 11: beyond the tolerance ahead of our clock, like a stale one.
    _settle(placed, pay=True)
    event = session_event("evt_1", "checkout.session.completed", placed.checkout_session_id)
    response = signed_event_post(client, event, timestamp=int(time.time()) + 3600)
    assert response.status_code == 400
    _unchanged(placed, status=Order.Status.PENDING_PAYMENT, stock=8, candle=candle)
    assert WebhookEvent.objects.count() == 0


def test_the_stripe_adapter_refuses_a_signature_from_the_future_too():
    import stripe

    from orders.gateways import SignatureError
    from orders.gateways.stripe import StripeGateway

    gateway = StripeGateway(secret_key="sk_test_x", webhook_secret="whsec_future")
    payload = json.dumps({"id": "evt_f", "type": "ping", "data": {"object": {}}})
    ahead = stripe.WebhookSignature.generate_signature_header(
        payload, "whsec_future", timestamp=int(time.time()) + 3600
    )
    with pytest.raises(SignatureError, match="future"):
        gateway.webhook_event_parse(payload=payload.encode(), headers={"Stripe-Signature": ahead})
    now = stripe.WebhookSignature.generate_signature_header(payload, "whsec_future")
    gateway.webhook_event_parse(payload=payload.encode(), headers={"Stripe-Signature": now})


def test_body_altered_after_signing_is_refused(client, placed, candle):
    import stripe

    _settle(placed, pay=True)
    payload = json.dumps(
        session_event("evt_1", "checkout.session.completed", placed.checkout_session_id)
    )
    header = stripe.WebhookSignature.generate_signature_header(payload, "whsec_offline_test_secret")
    response = client.post(
        "/webhooks/stripe/",
        payload.replace("evt_1", "evt_2"),
        content_type="application/json",
        HTTP_HOST=COMPANY_HOST,
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_webhook_answers_only_post(client, company):
    assert client.get("/webhooks/stripe/", HTTP_HOST=COMPANY_HOST).status_code == 405


def test_the_same_event_ten_times_fulfils_once_and_emails_once(
    client, placed, candle, django_capture_on_commit_callbacks, mailoutbox
):
    _settle(placed, pay=True)
    event = session_event("evt_same", "checkout.session.completed", placed.checkout_session_id)
    outcomes = []
    for _ in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_event_post(client, event)
        assert response.status_code == 200
        outcomes.append(response.json()["status"])
    assert outcomes == ["processed"] + ["duplicate"] * 9
    _unchanged(placed, status=Order.Status.PAID, stock=8, candle=candle)
    assert WebhookEvent.objects.filter(event_id="evt_same").count() == 1
    assert OrderEvent.objects.filter(order=placed, to_status=Order.Status.PAID).count() == 1
    assert OutboundEmail.objects.filter(template="order_confirmation").count() == 1
    assert len(mailoutbox) == 1


def test_replayed_deliveries_with_new_ids_change_nothing_twice(
    client, placed, candle, django_capture_on_commit_callbacks, mailoutbox
):
    _settle(placed, pay=True)
    for n in range(3):
        event = session_event(f"evt_{n}", "checkout.session.completed", placed.checkout_session_id)
        with django_capture_on_commit_callbacks(execute=True):
            assert signed_event_post(client, event).json()["status"] == "processed"
    assert WebhookEvent.objects.count() == 3
    assert OrderEvent.objects.filter(order=placed, to_status=Order.Status.PAID).count() == 1
    assert len(mailoutbox) == 1


def test_expired_after_completed_leaves_the_order_paid(
    client, placed, candle, django_capture_on_commit_callbacks
):
    _settle(placed, pay=True)
    with django_capture_on_commit_callbacks(execute=True):
        signed_event_post(
            client, session_event("evt_c", "checkout.session.completed", placed.checkout_session_id)
        )
    response = signed_event_post(
        client, session_event("evt_x", "checkout.session.expired", placed.checkout_session_id)
    )
    assert response.status_code == 200
    _unchanged(placed, status=Order.Status.PAID, stock=8, candle=candle)
    assert OrderEvent.objects.filter(order=placed, to_status=Order.Status.CANCELED).count() == 0


def test_expired_session_cancels_and_releases_stock_once(client, placed, candle):
    _settle(placed, pay=False)
    for event_id in ("evt_x1", "evt_x1", "evt_x2"):
        response = signed_event_post(
            client, session_event(event_id, "checkout.session.expired", placed.checkout_session_id)
        )
        assert response.status_code == 200
    _unchanged(placed, status=Order.Status.CANCELED, stock=10, candle=candle)
    assert OrderEvent.objects.filter(order=placed, to_status=Order.Status.CANCELED).count() == 1


def test_completed_event_for_an_expired_session_does_not_mark_paid(client, placed, candle):
    """Out of order: whatever the event says, the session as it is now decides."""
    _settle(placed, pay=False)
    signed_event_post(
        client, session_event("evt_c", "checkout.session.completed", placed.checkout_session_id)
    )
    _unchanged(placed, status=Order.Status.PENDING_PAYMENT, stock=8, candle=candle)


def test_amount_mismatch_is_not_marked_paid(client, placed, candle, mailoutbox):
    _settle(placed, pay=True)
    OfflineCheckoutSession.objects.filter(session_id=placed.checkout_session_id).update(
        amount_total=100
    )
    response = signed_event_post(
        client, session_event("evt_m", "checkout.session.completed", placed.checkout_session_id)
    )
    assert response.status_code == 200
    _unchanged(placed, status=Order.Status.PENDING_PAYMENT, stock=8, candle=candle)
    note = OrderEvent.objects.get(order=placed, message__startswith="Amount mismatch")
    assert note.from_status == note.to_status == Order.Status.PENDING_PAYMENT
    assert "gateway 100 usd, order 4793 usd" in note.message
    assert OutboundEmail.objects.count() == 0


def test_currency_mismatch_is_not_marked_paid(client, placed, candle):
    _settle(placed, pay=True)
    OfflineCheckoutSession.objects.filter(session_id=placed.checkout_session_id).update(
        currency="eur"
    )
    signed_event_post(
        client, session_event("evt_m", "checkout.session.completed", placed.checkout_session_id)
    )
    _unchanged(placed, status=Order.Status.PENDING_PAYMENT, stock=8, candle=candle)


def test_delayed_payment_waits_for_async_success(
    client, placed, candle, django_capture_on_commit_callbacks, mailoutbox
):
    # A delayed method: the session completes unpaid; fulfil only once it is paid.
    OfflineCheckoutSession.objects.filter(session_id=placed.checkout_session_id).update(
        status="complete", payment_intent_id="pi_offline_delayed"
    )
    signed_event_post(
        client, session_event("evt_c", "checkout.session.completed", placed.checkout_session_id)
    )
    _unchanged(placed, status=Order.Status.PENDING_PAYMENT, stock=8, candle=candle)
    OfflineCheckoutSession.objects.filter(session_id=placed.checkout_session_id).update(
        payment_status="paid"
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed_event_post(
            client,
            session_event(
                "evt_s", "checkout.session.async_payment_succeeded", placed.checkout_session_id
            ),
        )
    _unchanged(placed, status=Order.Status.PAID, stock=8, candle=candle)
    assert placed.payment_intent_id == "pi_offline_delayed"
    assert len(mailoutbox) == 1


def test_async_payment_failure_cancels_and_releases_stock(client, placed, candle, mailoutbox):
    OfflineCheckoutSession.objects.filter(session_id=placed.checkout_session_id).update(
        status="complete"
    )
    signed_event_post(
        client,
        session_event("evt_f", "checkout.session.async_payment_failed", placed.checkout_session_id),
    )
    _unchanged(placed, status=Order.Status.CANCELED, stock=10, candle=candle)
    assert mailoutbox == []


def test_event_types_we_do_not_handle_get_2xx_and_are_not_recorded(client, company):
    event = {"id": "evt_other", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    response = signed_event_post(client, event)
    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    assert WebhookEvent.objects.count() == 0


def test_signed_body_that_is_not_an_event_is_refused(client, company):
    response = signed_event_post(client, ["not", "an", "event"])
    assert response.status_code == 400


def test_unpaid_offline_sessions_expire_and_their_orders_are_canceled(
    client, alice, candle, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from orders.tasks import offline_sessions_expire_task

    cart_fill(client, {candle: 2})
    with django_capture_on_commit_callbacks(execute=True):
        checkout_post(client)
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert offline_sessions_expire_task() == 0  # still young
    OfflineCheckoutSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert offline_sessions_expire_task() == 1
    _unchanged(order, status=Order.Status.CANCELED, stock=10, candle=candle)
    with django_capture_on_commit_callbacks(execute=True):
        assert offline_sessions_expire_task() == 0
