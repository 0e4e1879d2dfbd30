"""Writing a review: only a shopper whose paid order holds the product, one per order line,
waiting for moderation; bad input gets a clear message and loses nothing; never a 5xx."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import Order
from storefront.reviews.models import Review
from tests.factories import OrderFactory, UserFactory

from .conftest import GOOD, HOST

pytestmark = pytest.mark.django_db


def test_a_signed_in_shopper_reviews_a_line_of_their_shipped_order(shopper_client, line, candle):
    url = f"/account/reviews/{line.pk}/"
    page = shopper_client.get(url, HTTP_HOST=HOST)
    assert page.status_code == 200
    assert "Review Cedar candle" in page.text
    assert page["Cache-Control"].startswith("max-age=0") or "private" in page["Cache-Control"]

    response = shopper_client.post(url, GOOD, HTTP_HOST=HOST)

    assert response.status_code == 302 and response["Location"] == url
    review = Review.objects.get()
    assert (review.product_id, review.order_line_id, review.rating) == (candle.pk, line.pk, 4)
    assert (review.title, review.body, review.display_name) == (
        "Smells like a forest",
        "Burns evenly.",
        "Rita",
    )
    assert review.status == Review.Status.PENDING
    after = shopper_client.get(url, HTTP_HOST=HOST)
    assert "waiting for our team" in after.text


def test_the_order_status_link_lets_a_guest_review(client, order, line, token_path):
    url = f"{token_path}review/{line.pk}/"
    status_page = client.get(token_path, HTTP_HOST=HOST)
    assert f'href="{url}"' in status_page.text  # the order-status page links it

    response = client.post(url, GOOD, HTTP_HOST=HOST)

    assert response.status_code == 302
    assert Review.objects.get().order_line_id == line.pk


def test_the_account_order_page_links_each_line(shopper_client, order, line):
    page = shopper_client.get(f"/account/orders/{order.number}/", HTTP_HOST=HOST)
    assert f'href="/account/reviews/{line.pk}/"' in page.text


def test_one_review_per_order_line(shopper_client, line):
    url = f"/account/reviews/{line.pk}/"
    shopper_client.post(url, GOOD, HTTP_HOST=HOST)
    second = shopper_client.post(url, {**GOOD, "title": "Again"}, HTTP_HOST=HOST)
    assert second.status_code == 200
    assert Review.objects.count() == 1
    assert Review.objects.get().title == "Smells like a forest"


def test_anonymous_is_sent_to_sign_in_and_nothing_is_written(client, line):
    response = client.post(f"/account/reviews/{line.pk}/", GOOD, HTTP_HOST=HOST)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/?next=")
    assert not Review.objects.exists()


def test_another_shoppers_line_is_not_found(line):
    outsider = Client()
    outsider.force_login(UserFactory(username="otto"))
    response = outsider.post(f"/account/reviews/{line.pk}/", GOOD, HTTP_HOST=HOST)
    assert response.status_code == 404
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    "status", [Order.Status.PENDING_PAYMENT, Order.Status.CANCELED, Order.Status.REFUNDED]
)
def test_an_unpaid_cancelled_or_refunded_order_proves_no_purchase(
    shopper_client, shopper, candle, status
):
    order = OrderFactory(customer=shopper, status=status, lines=[(candle, 1)])
    line = order.lines.get()
    response = shopper_client.post(f"/account/reviews/{line.pk}/", GOOD, HTTP_HOST=HOST)
    assert response.status_code == 404
    assert not Review.objects.exists()


def test_a_forged_or_revoked_token_is_not_found(client, order, line, token_path):
    from orders.accounts.services import order_status_links_revoke

    forged = client.post(f"/orders/status/nope/review/{line.pk}/", GOOD, HTTP_HOST=HOST)
    order_status_links_revoke(order=order, actor="test")
    revoked = client.post(f"{token_path}review/{line.pk}/", GOOD, HTTP_HOST=HOST)
    assert (forged.status_code, revoked.status_code) == (404, 404)
    assert not Review.objects.exists()


def test_a_token_names_only_its_own_orders_lines(client, order, token_path, candle):
    other = OrderFactory(lines=[(candle, 1)]).lines.get()
    response = client.post(f"{token_path}review/{other.pk}/", GOOD, HTTP_HOST=HOST)
    assert response.status_code == 404
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rating", "", "Choose from 1 to 5 stars."),
        ("rating", "6", "Select a valid choice"),
        ("rating", "0", "Select a valid choice"),
        ("title", "", "Give your review a title."),
        ("body", "", "Write a few words about the product."),
        ("body", "x" * 4001, "at most 4000 characters"),
        ("display_name", "", "Tell us the name to show with your review."),
    ],
)
def test_bad_input_gets_a_clear_message_and_keeps_what_was_typed(
    shopper_client, line, field, value, message
):
    data = {**GOOD, field: value}
    response = shopper_client.post(f"/account/reviews/{line.pk}/", data, HTTP_HOST=HOST)
    assert response.status_code == 400
    assert message in response.text
    assert "Smells like a forest" in response.text or field == "title"
    assert not Review.objects.exists()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    data=st.dictionaries(
        st.sampled_from(["rating", "title", "body", "display_name", "extra"]),
        st.text(max_size=300),
    )
)
def test_no_input_makes_a_server_error(shopper_client, line, data):
    with override_settings(REVIEW_SUBMIT_RATE="1000/h"):
        response = shopper_client.post(f"/account/reviews/{line.pk}/", data, HTTP_HOST=HOST)
    assert response.status_code in {200, 302, 400}


def test_a_cross_site_post_without_the_csrf_token_is_refused(shopper, line):
    client = Client(enforce_csrf_checks=True)
    client.force_login(shopper)
    response = client.post(
        f"/account/reviews/{line.pk}/",
        GOOD,
        HTTP_HOST=HOST,
        HTTP_ORIGIN="https://evil.example",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 403
    assert not Review.objects.exists()


def test_reviews_are_rate_limited_per_client(settings, shopper, shopper_client, candle):
    settings.REVIEW_SUBMIT_RATE = "2/h"
    lines = [OrderFactory(customer=shopper, lines=[(candle, 1)]).lines.get() for _ in range(3)]
    codes = [
        shopper_client.post(f"/account/reviews/{line.pk}/", GOOD, HTTP_HOST=HOST).status_code
        for line in lines
    ]
    assert codes == [302, 302, 429]
    assert Review.objects.count() == 2


def test_the_shipping_email_invites_a_review_through_the_order_status_link(
    client, order, line, django_capture_on_commit_callbacks, mailoutbox
):
    import re

    from orders.emails import order_shipped_enqueue

    with django_capture_on_commit_callbacks(execute=True):
        order_shipped_enqueue(order=order)
    (message,) = mailoutbox
    assert "review what you bought" in message.body
    assert "review what you bought" in message.alternatives[0][0]
    status_url = re.search(r"http://alice\.shop\.test(/orders/status/[^\s]+/)", message.body)
    page = client.get(status_url.group(1), HTTP_HOST=HOST)
    assert f'href="{status_url.group(1)}review/{line.pk}/"' in page.text
