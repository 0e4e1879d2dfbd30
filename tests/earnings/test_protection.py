"""Customer protection: order data only (no cookie), by policy setting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from orders.models import Order
from retailers.earnings import services
from retailers.earnings.models import CommissionEntry, CustomerProtection, ProtectionReassignment
from tests.conftest import COMPANY_HOST

from .conftest import PASSWORD, order_pending, paid_order, pay, product, with_login

pytestmark = pytest.mark.django_db
Entry = CommissionEntry


def test_first_retailer_keeps_a_returning_customer_on_another_storefront(
    pat, plan, alice, bob, candles
):
    paid_order(alice, [(product(candles, "10.00"), 1)], email="Pat@Example.com", customer=pat)
    later = paid_order(bob, [(product(candles, "100.00"), 1)], email="PAT@example.com")

    entry = Entry.objects.get(order=later)
    assert entry.retailer == alice
    assert entry.note == "Protected customer (another storefront)"
    assert later.retailer == bob  # the order still shows where it was taken


def test_first_retailer_keeps_a_customer_who_buys_on_the_company_site(
    pat, plan, alice, company, candles
):
    paid_order(alice, [(product(candles, "10.00"), 1)], customer=pat)
    later = paid_order(company, [(product(candles, "100.00"), 1)])
    assert Entry.objects.get(order=later).retailer == alice


def test_storefront_policy_credits_the_storefront_that_took_the_order(
    pat, plan, alice, bob, candles, settings
):
    settings.CUSTOMER_PROTECTION_POLICY = "storefront"
    paid_order(alice, [(product(candles, "10.00"), 1)], customer=pat)
    later = paid_order(bob, [(product(candles, "100.00"), 1)])
    assert Entry.objects.get(order=later).retailer == bob


def test_zero_days_turns_protection_off(pat, plan, alice, bob, candles, settings):
    settings.CUSTOMER_PROTECTION_DAYS = 0
    paid_order(alice, [(product(candles, "10.00"), 1)], customer=pat)
    later = paid_order(bob, [(product(candles, "100.00"), 1)])
    assert Entry.objects.get(order=later).retailer == bob
    assert not CustomerProtection.objects.exists()


def test_protection_lapses_after_the_period(pat, plan, alice, bob, candles):
    paid_order(alice, [(product(candles, "10.00"), 1)], customer=pat)
    CustomerProtection.objects.update(expires_at="2000-01-01T00:00Z")
    later = paid_order(bob, [(product(candles, "100.00"), 1)], customer=pat)
    assert Entry.objects.get(order=later).retailer == bob
    assert set(CustomerProtection.objects.values_list("retailer__slug", flat=True)) == {"bob"}


def test_dnt_and_gpc_shoppers_are_served_the_same_no_cookie_involved(
    pat, client, plan, alice, candles
):
    paid_order(alice, [(product(candles, "10.00"), 1)], customer=pat)
    for headers in ({}, {"HTTP_DNT": "1"}, {"HTTP_SEC_GPC": "1"}):
        response = client.get("/", HTTP_HOST="bob.shop.test", **headers)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers


def test_reassigning_a_customer_needs_a_reason_and_is_audited(pat, plan, alice, bob, candles):
    staff = get_user_model().objects.create_user("fin2", "fin2@example.com", "x")
    paid_order(alice, [(product(candles, "10.00"), 1)], customer=pat)
    protection = CustomerProtection.objects.get(customer_key="email:pat@example.com")

    with pytest.raises(ValidationError):
        services.protection_reassign(protection=protection, to_retailer=bob, reason="", actor=staff)
    assert ProtectionReassignment.objects.count() == 0

    services.protection_reassign(
        protection=protection, to_retailer=bob, reason="Moved", actor=staff
    )
    later = paid_order(alice, [(product(candles, "100.00"), 1)])
    assert Entry.objects.get(order=later).retailer == bob
    (audit,) = ProtectionReassignment.objects.all()
    assert (audit.from_retailer, audit.to_retailer, audit.reason, audit.actor) == (
        alice,
        bob,
        "Moved",
        staff,
    )


def test_a_retailer_sees_first_name_city_and_last_order_only(
    pat, client, plan, alice, bob, candles
):
    with_login(alice, "alice_earn")
    with_login(bob, "bob_earn")
    paid_order(alice, [(product(candles, "10.00"), 1)], full_name="Pat Quinn-Buyer", customer=pat)
    from tests.retailers.conftest import sign_in

    assert sign_in(client, alice, PASSWORD).status_code == 302
    page = client.get("/backoffice/customers/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert "<td>Pat</td>" in page and "Dallas" in page
    assert "Quinn" not in page and "pat@example.com" not in page and "2 Elm St" not in page

    client.post("/backoffice/signout/", HTTP_HOST=COMPANY_HOST)
    assert sign_in(client, bob, PASSWORD).status_code == 302
    page = client.get("/backoffice/customers/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert "Pat" not in page and "No protected customers yet." in page
    assert Decimal("2.00") == Entry.objects.get(retailer=alice).amount


def _company_order(company, helper, candles, price: str):
    order = order_pending(company, [(product(candles, price), 1)])
    Order.objects.filter(pk=order.pk).update(helped_by=helper)
    return pay(order)


def test_on_the_company_site_the_named_retailer_earns_when_nobody_protects(
    plan, company, bob, candles
):
    order = _company_order(company, bob, candles, "50.00")
    entry = Entry.objects.get(order=order)
    assert (entry.retailer, entry.amount) == (bob, Decimal("10.00"))
    assert entry.note == "Company site: the shopper named you"


def test_first_retailer_policy_outranks_the_name_given_on_the_company_site(
    pat, plan, company, alice, bob, candles, settings
):
    paid_order(alice, [(product(candles, "10.00"), 1)], customer=pat)
    order = _company_order(company, bob, candles, "50.00")
    assert Entry.objects.get(order=order).retailer == alice

    settings.CUSTOMER_PROTECTION_POLICY = "storefront"
    other = _company_order(company, bob, candles, "50.00")
    assert Entry.objects.get(order=other).retailer == bob  # the shopper's word


def test_a_suspended_helper_earns_nothing_and_the_company_keeps_the_sale(
    plan, company, bob, candles
):
    order = order_pending(company, [(product(candles, "50.00"), 1)])
    Order.objects.filter(pk=order.pk).update(helped_by=bob)
    bob.status = bob.Status.SUSPENDED
    bob.save()
    pay(order)
    assert not Entry.objects.filter(order=order).exists()


# --- hardening: protection only by proof (issue 30 item 4) ---------------------------


def _verified_shopper(email: str):
    from django.utils import timezone

    from orders.accounts.models import AccountEmail

    user = get_user_model().objects.create_user(email, email, "x")
    AccountEmail.objects.create(user=user, verified_email=email, verified_at=timezone.now())
    return user


def test_a_typed_guest_address_claims_no_one(plan, alice, bob, candles):
    # alice places a guest order on her own storefront with a prospect's address ...
    paid_order(alice, [(product(candles, "10.00"), 1)], email="prospect@example.com")
    # ... the prospect later buys on bob's storefront: bob earns it, not alice.
    later = paid_order(bob, [(product(candles, "100.00"), 1)], email="prospect@example.com")
    assert Entry.objects.get(order=later).retailer == bob
    assert not CustomerProtection.objects.filter(retailer=alice).exists()


def test_an_address_the_shopper_proved_protects(plan, alice, bob, candles):
    pat = _verified_shopper("pat@example.com")
    paid_order(alice, [(product(candles, "10.00"), 1)], email="pat@example.com", customer=pat)
    assert set(CustomerProtection.objects.values_list("customer_key", flat=True)) == {
        f"user:{pat.pk}",
        "email:pat@example.com",
    }
    later = paid_order(bob, [(product(candles, "100.00"), 1)], email="Pat@Example.com")
    assert Entry.objects.get(order=later).retailer == alice


def test_an_account_that_did_not_prove_the_address_protects_by_account_only(
    plan, alice, bob, candles
):
    sam = get_user_model().objects.create_user("sam@example.com", "sam@example.com", "x")
    paid_order(alice, [(product(candles, "10.00"), 1)], email="sam@example.com", customer=sam)
    assert list(CustomerProtection.objects.values_list("customer_key", flat=True)) == [
        f"user:{sam.pk}"
    ]
    guest = paid_order(bob, [(product(candles, "100.00"), 1)], email="sam@example.com")
    assert Entry.objects.get(order=guest).retailer == bob
    signed_in = paid_order(bob, [(product(candles, "50.00"), 1)], customer=sam)
    assert Entry.objects.get(order=signed_in).retailer == alice


def test_a_statement_never_shows_another_storefronts_order_number(
    client, plan, alice, bob, candles
):
    from django.utils import timezone

    with_login(alice, "alice_earn")
    pat = _verified_shopper("pat@example.com")
    own = paid_order(alice, [(product(candles, "10.00"), 1)], email="pat@example.com", customer=pat)
    elsewhere = paid_order(bob, [(product(candles, "100.00"), 1)], customer=pat)
    assert Entry.objects.get(order=elsewhere).retailer == alice
    from tests.retailers.conftest import sign_in

    assert sign_in(client, alice, PASSWORD).status_code == 302
    today = timezone.localdate()
    for path in (
        "/backoffice/earnings/",
        f"/backoffice/earnings/statements/{today:%Y-%m}/",
        f"/backoffice/earnings/statements/{today:%Y-%m}/?format=csv",
    ):
        body = client.get(path, HTTP_HOST=COMPANY_HOST).content.decode()
        assert own.number in body, path
        assert elsewhere.number not in body, path
        assert "Another storefront" in body, path


@pytest.fixture
def pat():
    """A shopper who proved pat@example.com (protection starts only from proof)."""
    return _verified_shopper("pat@example.com")
