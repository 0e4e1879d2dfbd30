"""Small defects of #28, each with the test that failed before its fix."""

import re

import pytest

from orders.carriers import carrier_display_name
from orders.emails import order_shipped_enqueue
from orders.forms import CheckoutForm
from privacy.marketing import services as marketing_services
from privacy.marketing.models import Campaign
from tests.conftest import ALICE_HOST
from tests.factories import OrderFactory
from tests.marketing.conftest import subscriber_make
from tests.orders.conftest import cart_fill

pytestmark = pytest.mark.django_db


def test_the_billing_zip_code_label_keeps_its_capitals(client, alice, make_product):
    form = CheckoutForm()
    assert form["bill_postal_code"].label == "Billing ZIP code"
    assert form["bill_city"].label == "Billing city"  # other labels still read as a phrase
    cart_fill(client, {make_product("Cedar candle"): 1})
    checkout = client.get("/checkout/", HTTP_HOST=ALICE_HOST)
    assert checkout.status_code == 200
    assert "Billing ZIP code" in checkout.text
    assert "zIP" not in checkout.text


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("ups", "UPS"), ("fedex", "FedEx"), (" usps ", "USPS"), ("Acme Freight", "Acme Freight")],
)
def test_the_shipping_email_names_the_carrier_as_the_carrier_does(
    alice, typed, shown, django_capture_on_commit_callbacks, mailoutbox
):
    order = OrderFactory(retailer=alice, carrier=typed, tracking_number="1Z999AA10123456784")
    with django_capture_on_commit_callbacks(execute=True):
        order_shipped_enqueue(order=order)
    (message,) = mailoutbox
    assert f"Carrier: {shown}\n" in message.body
    assert f"Carrier: <strong>{shown}</strong>" in message.alternatives[0].content
    assert carrier_display_name(typed) == shown


def test_a_campaign_subject_is_rendered_for_each_retailer(
    alice, bob, django_capture_on_commit_callbacks, mailoutbox
):
    subscriber_make("ann@example.com", alice)
    subscriber_make("cat@example.com", bob)
    campaign = Campaign.objects.create(
        name="Winter",
        subject="New winter scents from {{ retailer_name }}",
        body_html="<p>Ask {{ retailer_name }} about our candles.</p>",
        body_text="Ask {{ retailer_name }} about our candles.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        marketing_services.campaign_start(campaign_id=campaign.pk)
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects == {
        "ann@example.com": f"New winter scents from {alice.display_name}",
        "cat@example.com": f"New winter scents from {bob.display_name}",
    }
    assert not any(re.search(r"\{\{|\}\}", s) for s in subjects.values())


@pytest.mark.parametrize(
    ("host_name", "title", "banner"),
    [
        ("Emma", "Candle Night", "Shopping Emma&#x27;s Candle Night"),
        ("Emma", "Emma's Candle Night", "Shopping Emma&#x27;s Candle Night"),
        ("Emma Host", "Emma's Candle Night", "Shopping Emma&#x27;s Candle Night"),
    ],
)
def test_the_scene_banner_names_the_host_once(alice, client, host_name, title, banner):
    from storefront.scenes import services as scene_services
    from tests.scenes.conftest import SCENE_FIELDS

    scene = scene_services.scene_create(
        retailer=alice, **{**SCENE_FIELDS, "host_name": host_name, "title": title}
    )
    response = client.get(f"/s/{scene.code}/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    strong = re.search(r"<strong>(Shopping [^<]*)</strong>", response.text).group(1)
    assert strong.replace("'", "&#x27;") == banner
