"""Order status for every buyer: a signed link (confirmation page and email) to a page
with status, lines, totals, shipping and tracking; no account needed; staff revoke it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from orders.accounts.selectors import order_status_path, order_status_url
from orders.carriers import tracking_url
from orders.emails import order_confirmation_enqueue
from orders.models import Order
from orders.services import order_ship
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST
from tests.orders.conftest import cart_fill, checkout_post

from .conftest import link_in, outbox, rendered_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(alice, make_order):
    return make_order(alice, email="buyer@example.com", full_name="Bea Buyer")


def _status_path_from_email(row) -> str:
    return urlsplit(link_in(rendered_text(row), "http://alice.shop.test/orders/status/")).path


def test_the_confirmation_email_links_the_status_page_without_storing_the_link(client, order):
    row = order_confirmation_enqueue(order=order)
    assert "orders/status" not in str(row.context)
    path = _status_path_from_email(row)
    page = client.get(path, HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    text = page.text
    assert order.number in text
    assert "Paid" in text
    assert "Acct Candle" in text and "$25.00" in text and "$7.95" in text and "$32.95" in text
    # What the link shows is the order, not the person: no name, address or email.
    for personal in ("Bea Buyer", "buyer@example.com", "1 Main St"):
        assert personal not in text
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    assert "noindex" in page["X-Robots-Tag"]
    assert "Set-Cookie" not in page  # no account, no session


def test_the_link_opens_only_on_the_storefront_that_took_the_order(client, order, bob):
    path = order_status_path(order=order)
    assert client.get(path, HTTP_HOST=BOB_HOST).status_code == 404
    assert client.get(path, HTTP_HOST=COMPANY_HOST).status_code == 404
    assert order_status_url(order=order).startswith("http://alice.shop.test/orders/status/")


@pytest.mark.parametrize(
    "token", ["x", "WzEsMV0:forged", "WzEsMV0:1abc:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]
)
def test_a_forged_or_altered_link_is_refused(client, order, token):
    response = client.get(f"/orders/status/{token}/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 404
    assert "This order link does not work" in response.text
    assert order.number not in response.text


def test_another_orders_link_cannot_be_made_by_changing_the_id(client, order, make_order, alice):
    other = make_order(alice, email="other@example.com")
    path = order_status_path(order=order)
    token = path.split("/")[3]
    payload, _, signature = token.partition(":")
    import base64
    import json

    forged_payload = (
        base64.urlsafe_b64encode(json.dumps([other.pk, 1]).encode()).decode().rstrip("=")
    )
    forged = f"/orders/status/{forged_payload}:{signature}/"
    assert client.get(forged, HTTP_HOST=ALICE_HOST).status_code == 404


def test_shipping_shows_the_carriers_tracking_page(client, order):
    order_ship(order_id=order.pk, carrier="UPS", tracking_number="1Z999AA10123456784", actor="t")
    [row] = outbox("order_shipped")
    text = rendered_text(row)
    assert "https://www.ups.com/track?tracknum=1Z999AA10123456784" in text
    path = _status_path_from_email(row)
    page = client.get(path, HTTP_HOST=ALICE_HOST).text
    assert "Shipped" in page
    assert 'href="https://www.ups.com/track?tracknum=1Z999AA10123456784"' in page


@pytest.mark.parametrize(
    ("carrier", "number", "url"),
    [
        ("UPS", "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784"),
        (
            "usps",
            "9400 1000 0000 0000 0000 00",
            "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400%201000%200000%200000%200000%2000",
        ),
        (
            "United States Postal Service",
            "94001",
            "https://tools.usps.com/go/TrackConfirmAction?tLabels=94001",
        ),
        ("FedEx", "123456789012", "https://www.fedex.com/fedextrack/?trknbr=123456789012"),
        ("Fed-Ex", "1&x=<y>", "https://www.fedex.com/fedextrack/?trknbr=1%26x%3D%3Cy%3E"),
        (
            "DHL Express",
            "JD014600003",
            "https://www.dhl.com/us-en/home/tracking.html?tracking-id=JD014600003",
        ),
        ("Pony Express", "42", ""),
        ("UPS", "", ""),
    ],
)
def test_tracking_pages_of_the_four_carriers(carrier, number, url):
    assert tracking_url(carrier=carrier, tracking_number=number) == url


def test_staff_revoke_the_links_and_old_ones_stop_working(client, order):
    staff = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["view_order", "revoke_status_links"])
    )
    old = _status_path_from_email(order_confirmation_enqueue(order=order))
    client.force_login(staff)
    response = client.post(
        "/admin/orders/order/",
        {"action": "revoke_status_links", "_selected_action": [order.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(old, HTTP_HOST=ALICE_HOST).status_code == 404
    new = order_status_path(order=order)
    assert new != old
    assert client.get(new, HTTP_HOST=ALICE_HOST).status_code == 200
    assert order.status_link.revoked_by == f"staff:{staff.pk}"


def test_a_guest_checkout_shows_the_link_on_the_confirmation_page_and_in_the_email(
    client, alice, company, candle, mailoutbox, django_capture_on_commit_callbacks
):
    cart_fill(client, {candle: 1})
    with django_capture_on_commit_callbacks(execute=True):
        pay_path = urlsplit(checkout_post(client)["Location"]).path
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(pay_path + "submit/", {"decision": "pay"}, HTTP_HOST=COMPANY_HOST)
    success = client.get(
        urlsplit(paid["Location"]).path + "?" + urlsplit(paid["Location"]).query,
        HTTP_HOST=ALICE_HOST,
    )
    assert success.status_code == 200
    order = Order.objects.get()
    path = order_status_path(order=order)
    assert f'href="{path}"' in success.text
    [email] = mailoutbox
    assert f"http://alice.shop.test{path}" in email.body
    assert f"http://alice.shop.test{path}" in email.alternatives[0][0]
    anonymous = client.__class__()
    page = anonymous.get(path, HTTP_HOST=ALICE_HOST)
    assert page.status_code == 200
    assert order.number in page.text
