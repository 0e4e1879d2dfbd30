"""Branded mail in the test outbox, sent by the real flows (issue 28, item 7)."""

from __future__ import annotations

import re

import pytest

from orders.emails import order_confirmation_enqueue
from privacy.marketing import services as marketing_services
from privacy.marketing.models import Campaign
from tests.factories import OrderFactory, ProductFactory
from tests.marketing.conftest import subscriber_make

pytestmark = pytest.mark.django_db

HREFS = re.compile(r'(?:href|src)="([^"]*)"')


def test_an_order_confirmation_from_alices_storefront_looks_like_her_shop(
    alice, django_capture_on_commit_callbacks, mailoutbox
):
    product = ProductFactory(name="Cedar candle")
    order = OrderFactory(retailer=alice, lines=[(product, 2)])
    with django_capture_on_commit_callbacks(execute=True):
        order_confirmation_enqueue(order=order)
    (message,) = mailoutbox
    html = message.alternatives[0][0]
    assert "<style" not in html
    assert f">{alice.display_name}</span>" in html.replace("&#x27;", "'")
    assert 'href="http://alice.shop.test/"' in html  # the header links her storefront
    assert re.search(r'<h1 style="[^"]*font-family:[^"]*Georgia', html)
    assert re.search(r'<table class="lines"[^>]*style="[^"]*border-collapse: collapse', html)
    assert all(re.match(r"https?://", url) for url in HREFS.findall(html)), HREFS.findall(html)
    # the text part is as it was: the facts of the order, no markup
    for fact in (order.number, "Cedar candle", "$47.95 USD", "/orders/status/"):
        assert fact in message.body and fact in html
    assert "<" not in message.body


def test_a_campaign_keeps_its_can_spam_footer_and_one_click_headers(
    alice, django_capture_on_commit_callbacks, mailoutbox, settings
):
    subscriber_make("ann@example.com", alice)
    campaign = Campaign.objects.create(
        name="Winter", subject="Winter", body_html="<p>New scents.</p>", body_text="New scents."
    )
    with django_capture_on_commit_callbacks(execute=True):
        marketing_services.campaign_start(campaign_id=campaign.pk)
    (message,) = mailoutbox
    html = message.alternatives[0][0]
    assert "<style" not in html
    unsubscribe = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f'href="{unsubscribe}"' in html.replace("&amp;", "&")
    assert unsubscribe in message.body
    for line in settings.COMPANY["address_lines"]:
        assert line in html and line in message.body
    assert all(re.match(r"https?://", url) for url in HREFS.findall(html))
