"""The company site sells the catalog too (issue 16): shop pages, cart and checkout on the
company host, with "who helped you?" deciding who earns the commission."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import Order
from retailers.earnings.models import CommissionEntry, CommissionPlan, CustomerProtection, LevelRate
from retailers.earnings.services import commissions_accrue_missing
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import OrderFactory

from .conftest import CHECKOUT_FORM, cart_fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db) -> CommissionPlan:
    CommissionPlan.objects.all().delete()
    plan = CommissionPlan.objects.create(name="Company-site plan", effective_from="2020-01-01")
    LevelRate.objects.create(plan=plan, level="retailer", rate=Decimal("20"))
    return plan


def _checkout(client, **extra):
    return client.post("/checkout/", {**CHECKOUT_FORM, **extra}, HTTP_HOST=COMPANY_HOST)


def _pay(client, response, django_capture_on_commit_callbacks) -> Order:
    """Follow the offline gateway's hosted page and pay; the signed webhook marks it paid."""
    assert response.status_code == 303, response.content.decode()[:2000]
    path = response["Location"].removeprefix(f"http://{COMPANY_HOST}")
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(path + "submit/", {"decision": "pay"}, HTTP_HOST=COMPANY_HOST)
    assert paid.status_code == 303
    # Back to the company site's own success page, not a storefront's.
    assert paid["Location"].startswith(f"http://{COMPANY_HOST}/checkout/success/")
    success = client.get(
        paid["Location"].removeprefix(f"http://{COMPANY_HOST}"), HTTP_HOST=COMPANY_HOST
    )
    assert success.status_code == 200
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    return order


def test_the_company_host_serves_the_shop_pages(client, company, candle):
    for path in ("/", "/c/candles/", f"/p/{candle.slug}/", "/search/?q=candle", "/cart/"):
        response = client.get(path, HTTP_HOST=COMPANY_HOST)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
    product_page = client.get(f"/p/{candle.slug}/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert 'action="/cart/add/"' in product_page
    assert "Name them at checkout" in product_page


def test_a_shopper_adds_to_the_cart_on_the_company_host(client, company, candle):
    response = client.post(
        "/cart/add/", {"product_id": candle.pk, "quantity": "2"}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 302
    cart = client.get("/cart/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert candle.name in cart and "$39.98" in cart


def test_company_checkout_asks_who_helped_and_defaults_to_no_one(client, company, candle):
    cart_fill(client, {candle: 1}, host=COMPANY_HOST)
    html = client.get("/checkout/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert "Who helped you?" in html
    assert 'name="helper" value="" checked' in html
    cart_fill(client, {candle: 1}, host=ALICE_HOST)
    assert "Who helped you?" not in client.get("/checkout/", HTTP_HOST=ALICE_HOST).content.decode()


def test_the_named_retailer_earns_the_commission(
    client, plan, company, alice, candle, django_capture_on_commit_callbacks, mailoutbox
):
    cart_fill(client, {candle: 2}, host=COMPANY_HOST)
    # The shopper finds their retailer by Retailer ID; the one match is ticked.
    found = _checkout(client, action="find", helper_search=alice.retailer_number)
    assert found.status_code == 200
    html = found.content.decode()
    assert f'name="helper" value="{alice.retailer_number}" checked' in html
    assert "Alice&#x27;s Attic" in html
    assert Order.objects.count() == 0  # finding places nothing

    order = _pay(
        client, _checkout(client, helper=alice.retailer_number), django_capture_on_commit_callbacks
    )
    assert (order.retailer, order.helped_by) == (company, alice)
    entry = CommissionEntry.objects.get(order=order)
    assert entry.retailer == alice
    assert entry.base == Decimal("39.98")
    assert entry.amount == Decimal("8.00")  # 20 % of the merchandise, not tax or shipping
    assert entry.note == "Company site: the shopper named you"
    assert "placed an order on our website" in mailoutbox[0].body
    # A guest's typed address proves nothing: no protection starts from it (issue 30
    # item 4; tests/earnings/test_protection.py covers protection by proof).
    assert not CustomerProtection.objects.filter(customer_key="email:shopper@example.com").exists()


def test_with_no_one_named_the_company_keeps_the_sale(
    client, plan, company, candle, django_capture_on_commit_callbacks
):
    cart_fill(client, {candle: 1}, host=COMPANY_HOST)
    order = _pay(client, _checkout(client, helper=""), django_capture_on_commit_callbacks)
    assert (order.retailer, order.helped_by) == (company, None)
    assert not CommissionEntry.objects.exists()
    assert not CustomerProtection.objects.exists()
    # The safety-net job finds nobody to credit either, and soon stops looking.
    assert commissions_accrue_missing() == 1
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=8))
    assert commissions_accrue_missing() == 0
    assert not CommissionEntry.objects.exists()


def test_a_protected_shopper_finds_their_retailer_preselected(
    client, company, alice, candle, settings
):
    user = get_user_model().objects.create_user(
        "pat@example.com", "pat@example.com", "Correct-Horse-Battery-42"
    )
    first = OrderFactory(retailer=alice, customer=user)
    now = timezone.now()
    CustomerProtection.objects.create(
        customer_key=f"user:{user.pk}",
        retailer=alice,
        first_order=first,
        last_order_at=now,
        started_at=now,
        expires_at=now + timedelta(days=30),
    )
    client.force_login(user)
    cart_fill(client, {candle: 1}, host=COMPANY_HOST)
    html = client.get("/checkout/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert f'name="helper" value="{alice.retailer_number}" checked' in html
    assert "your retailer" in html
    assert 'name="helper" value="" checked' not in html
    assert "under our customer-protection policy they are credited" in html
    settings.CUSTOMER_PROTECTION_POLICY = "storefront"  # then the shopper's word decides
    html = client.get("/checkout/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert f'name="helper" value="{alice.retailer_number}" checked' in html
    assert "customer-protection policy" not in html


def test_a_retailer_who_cannot_be_credited_is_refused_and_nothing_is_lost(
    client, company, alice, candle
):
    alice.status = alice.Status.SUSPENDED
    alice.save()
    cart_fill(client, {candle: 1}, host=COMPANY_HOST)
    response = _checkout(client, helper=alice.retailer_number)
    assert response.status_code == 400
    html = response.content.decode()
    assert "That retailer cannot be credited any more" in html
    assert 'value="shopper@example.com"' in html and 'value="1 Main St"' in html
    assert Order.objects.count() == 0


def test_a_search_with_nothing_chosen_asks_before_paying(client, company, alice, bob, candle):
    cart_fill(client, {candle: 1}, host=COMPANY_HOST)
    response = _checkout(client, helper="", helper_search="zzz-no-such-shop")
    assert response.status_code == 400
    html = response.content.decode()
    assert "No retailer found" in html
    assert "Choose the retailer who helped you" in html
    assert Order.objects.count() == 0


def test_the_order_status_link_of_a_company_order_works_on_the_company_host(
    client, plan, company, candle, django_capture_on_commit_callbacks, mailoutbox
):
    cart_fill(client, {candle: 1}, host=COMPANY_HOST)
    order = _pay(client, _checkout(client), django_capture_on_commit_callbacks)
    body = mailoutbox[0].body
    link = next(word for word in body.split() if "/orders/status/" in word)
    assert link.startswith(f"http://{COMPANY_HOST}/orders/status/")
    page = client.get(link.removeprefix(f"http://{COMPANY_HOST}"), HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    assert order.number in page.content.decode()
    assert "on the Shop Social Scenes site" in page.content.decode()
