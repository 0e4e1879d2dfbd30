"""Marketing fixtures: subscribers in each state, a campaign, an order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from orders.models import Order
from privacy.marketing.models import Campaign, Subscriber, Subscription, Suppression
from tests.factories import OrderFactory


def subscriber_make(email: str, retailer, *, confirmed: bool = True) -> Subscriber:
    now = timezone.now()
    subscriber = Subscriber.objects.create(
        email=email,
        status=Subscriber.Status.CONFIRMED if confirmed else Subscriber.Status.PENDING,
        confirmed_at=now if confirmed else None,
    )
    Subscription.objects.create(
        subscriber=subscriber, retailer=retailer, confirmed_at=now if confirmed else None
    )
    return subscriber


@pytest.fixture
def make_subscriber():
    return subscriber_make


@pytest.fixture
def suppress():
    def _suppress(email: str, reason=Suppression.Reason.HARD_BOUNCE) -> Suppression:
        return Suppression.objects.create(email=email, reason=reason, source="test")

    return _suppress


@pytest.fixture
def campaign(db) -> Campaign:
    return Campaign.objects.create(
        name="Spring sale",
        subject="Spring sale: 20% off candles",
        body_html="<h1>Spring sale</h1><p>Ask {{ retailer_name }} about our candles.</p>",
        body_text="Spring sale\n\nAsk {{ retailer_name }} about our candles.",
    )


@pytest.fixture
def cookieless_client() -> Client:
    """A mail provider's one-click POST: no cookie, no session, no CSRF token, no Origin."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def make_order():
    def _make(retailer, *, email: str = "shopper@example.com") -> Order:
        return OrderFactory(retailer=retailer, email=email, subtotal=Decimal("20.00"))

    return _make
