"""Autoship through the real `stripe` library with a fake HTTP client (no network):
Checkout keeps the card (setup_future_usage), off-session charges succeed or are declined,
the hosted page saves a new card (mode=setup)."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlparse

import pytest

from orders.autoship.models import Autoship, AutoshipRun
from orders.autoship.services import autoship_run
from orders.models import Order
from tests.conftest import ALICE_HOST
from tests.orders.conftest import CHECKOUT_FORM, session_event, signed_event_post
from tests.orders.test_stripe_gateway import STRIPE_WEBHOOK_SECRET, FakeStripeHTTP

from .conftest import add_with_autoship

pytestmark = pytest.mark.django_db


class FakeStripeAutoship(FakeStripeHTTP):
    """Adds what autoship calls: expanded sessions, off-session PaymentIntents, setup mode."""

    def __init__(self) -> None:
        super().__init__()
        self.declining: set[str] = {"pm_card_declined"}

    def request(self, method, url, headers, post_data=None, **kwargs):
        path = urlparse(url).path
        if method == "post" and path == "/v1/payment_intents":
            from urllib.parse import parse_qsl

            params = dict(parse_qsl(post_data or "", keep_blank_values=True))
            self.requests.append(
                {"method": method, "path": path, "headers": dict(headers), "params": params}
            )
            intent_id = f"pi_off_{len(self.intents) + 1}"
            if params["payment_method"] in self.declining:
                intent = {
                    "id": intent_id,
                    "object": "payment_intent",
                    "status": "requires_payment_method",
                }
                error = {
                    "error": {
                        "type": "card_error",
                        "code": "card_declined",
                        "decline_code": "insufficient_funds",
                        "message": "Your card has insufficient funds.",
                        "payment_intent": intent,
                    }
                }
                return json.dumps(error), 402, {"request-id": "req_fake"}
            intent = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": int(params["amount"]),
                "amount_received": int(params["amount"]),
                "currency": params["currency"],
                "status": "succeeded",
                "latest_charge": {
                    "id": "ch_" + intent_id,
                    "object": "charge",
                    "amount": int(params["amount"]),
                    "amount_refunded": 0,
                    "disputed": False,
                },
            }
            self.intents[intent_id] = intent
            return self._json(intent)
        if (
            method == "post"
            and path == "/v1/checkout/sessions"
            and "mode=setup" in (post_data or "")
        ):
            from urllib.parse import parse_qsl

            params = dict(parse_qsl(post_data or "", keep_blank_values=True))
            self.requests.append(
                {"method": method, "path": path, "headers": dict(headers), "params": params}
            )
            session_id = f"cs_setup_{len(self.sessions) + 1}"
            self.sessions[session_id] = {
                "id": session_id,
                "object": "checkout.session",
                "mode": "setup",
                "url": f"https://checkout.stripe.com/c/pay/{session_id}",
                "status": "open",
                "payment_status": "no_payment_required",
                "amount_total": None,
                "currency": "usd",
                "customer": params["customer"],
                "setup_intent": None,
                "metadata": {},
            }
            return self._json(self.sessions[session_id])
        if method == "get" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            if session is not None and "expand" in url:
                self.requests.append({"method": method, "path": path, "headers": dict(headers)})
                expanded = dict(session)
                if isinstance(session.get("payment_intent"), str):
                    expanded["payment_intent"] = self.intents[session["payment_intent"]]
                return self._json(expanded)
        return super().request(method, url, headers, post_data, **kwargs)

    def pay_and_save(self, session_id: str, *, method: str = "pm_card_visa") -> None:
        self.pay(session_id)
        session = self.sessions[session_id]
        intent = self.intents[session["payment_intent"]]
        intent.update(payment_method=method, customer=session.get("customer") or "cus_1")
        session["customer"] = intent["customer"]


@pytest.fixture
def fake_stripe(monkeypatch, settings):
    from orders.gateways.stripe import StripeGateway

    fake = FakeStripeAutoship()
    monkeypatch.setattr(StripeGateway, "default_http_client", staticmethod(lambda: fake))
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    return fake


@pytest.fixture
def stripe_autoship(
    client, alice, candle, shopper, fake_stripe, django_capture_on_commit_callbacks
):
    client.force_login(shopper)
    add_with_autoship(client, candle, weeks="8")
    response = client.post("/checkout/", CHECKOUT_FORM, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 303
    order = Order.objects.get()
    fake_stripe.pay_and_save(order.checkout_session_id)
    event = session_event("evt_1", "checkout.session.completed", order.checkout_session_id)
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_event_post(client, event, secret=STRIPE_WEBHOOK_SECRET).status_code == 200
    return Autoship.objects.get(source_order=order)


def test_stripe_checkout_asks_to_keep_the_card_for_off_session_use(stripe_autoship, fake_stripe):
    session_call = next(r for r in fake_stripe.requests if r["path"] == "/v1/checkout/sessions")
    assert session_call["params"]["payment_intent_data[setup_future_usage]"] == "off_session"
    assert session_call["params"]["customer"] == "cus_1"
    assert stripe_autoship.status == Autoship.Status.ACTIVE
    assert stripe_autoship.gateway == "stripe"
    assert stripe_autoship.gateway_customer_id == "cus_1"
    assert stripe_autoship.payment_method_id == "pm_card_visa"
    assert stripe_autoship.interval_weeks == 8


def test_stripe_off_session_charge_pays_the_order_with_the_date_key(
    stripe_autoship, fake_stripe, mailoutbox, django_capture_on_commit_callbacks
):
    due = stripe_autoship.next_date
    with django_capture_on_commit_callbacks(execute=True):
        assert autoship_run(today=due)["paid"] == 1
    call = fake_stripe.requests[-1]
    assert call["path"] == "/v1/payment_intents"
    assert call["headers"]["Idempotency-Key"] == f"autoship-{stripe_autoship.pk}-{due.isoformat()}"
    params = call["params"]
    order = AutoshipRun.objects.get().order
    assert params["off_session"] == "true" and params["confirm"] == "true"
    assert params["customer"] == "cus_1" and params["payment_method"] == "pm_card_visa"
    assert params["amount"] == str(int(order.total * 100))
    assert params["metadata[order_id]"] == str(order.pk)
    assert order.status == Order.Status.PAID
    assert order.payment_intent_id == "pi_off_2"
    stripe_autoship.refresh_from_db()
    assert stripe_autoship.next_date == due + timedelta(weeks=8)


def test_a_declined_stripe_off_session_charge_cancels_the_order_and_starts_dunning(
    stripe_autoship, fake_stripe, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.AUTOSHIP_RETRY_DAYS = [2]
    Autoship.objects.filter(pk=stripe_autoship.pk).update(payment_method_id="pm_card_declined")
    due = stripe_autoship.next_date
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert autoship_run(today=due)["declined"] == 1
    run = AutoshipRun.objects.get()
    assert run.status == AutoshipRun.Status.DECLINED
    assert run.decline_code == "insufficient_funds"
    assert run.order.status == Order.Status.CANCELED
    stripe_autoship.refresh_from_db()
    assert stripe_autoship.status == Autoship.Status.ACTIVE
    assert stripe_autoship.retry_on == due + timedelta(days=2)
    assert [m.subject for m in mailoutbox] == ["Your card was declined for your autoship"]
    # The customer saves a new card; the retry goes through with it.
    Autoship.objects.filter(pk=stripe_autoship.pk).update(payment_method_id="pm_card_new")
    with django_capture_on_commit_callbacks(execute=True):
        assert autoship_run(today=due + timedelta(days=2))["paid"] == 1
    stripe_autoship.refresh_from_db()
    assert stripe_autoship.failed_attempts == 0 and stripe_autoship.retry_on is None
    assert stripe_autoship.next_date == due + timedelta(weeks=8)
    # The second try used its own date's key (a retry is not the cached decline).
    keys = [
        r["headers"]["Idempotency-Key"]
        for r in fake_stripe.requests
        if r["path"] == "/v1/payment_intents"
    ]
    assert keys == [
        f"autoship-{stripe_autoship.pk}-{due.isoformat()}",
        f"autoship-{stripe_autoship.pk}-{(due + timedelta(days=2)).isoformat()}",
    ]


def test_update_card_goes_through_stripes_hosted_setup_page(client, stripe_autoship, fake_stripe):
    response = client.post(f"/account/autoship/{stripe_autoship.pk}/card/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 303
    session_id = response["Location"].rsplit("/", 1)[1]
    assert response["Location"] == f"https://checkout.stripe.com/c/pay/{session_id}"
    call = fake_stripe.requests[-1]["params"]
    assert call["mode"] == "setup" and call["customer"] == "cus_1"
    assert call["success_url"] == (
        f"http://{ALICE_HOST}/account/autoship/{stripe_autoship.pk}/card/done/"
        "?session_id={CHECKOUT_SESSION_ID}"
    )
    fake_stripe.sessions[session_id].update(
        status="complete",
        setup_intent={"id": "seti_1", "object": "setup_intent", "payment_method": "pm_card_new"},
    )
    done = client.get(
        f"/account/autoship/{stripe_autoship.pk}/card/done/?session_id={session_id}",
        HTTP_HOST=ALICE_HOST,
    )
    assert done.status_code == 302
    stripe_autoship.refresh_from_db()
    assert stripe_autoship.payment_method_id == "pm_card_new"


def test_a_setup_session_of_another_customer_changes_nothing(client, stripe_autoship, fake_stripe):
    fake_stripe.sessions["cs_other"] = {
        "id": "cs_other",
        "object": "checkout.session",
        "mode": "setup",
        "status": "complete",
        "customer": "cus_someone_else",
        "setup_intent": {"id": "seti_9", "object": "setup_intent", "payment_method": "pm_theirs"},
        "metadata": {},
    }
    client.get(
        f"/account/autoship/{stripe_autoship.pk}/card/done/?session_id=cs_other",
        HTTP_HOST=ALICE_HOST,
    )
    stripe_autoship.refresh_from_db()
    assert stripe_autoship.payment_method_id == "pm_card_visa"
