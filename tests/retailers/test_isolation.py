"""Every back-office URL with its owner and with another retailer: the other sees nothing of
the owner's (404 where an id is in the URL), and anonymous visitors are sent to sign in."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from tests.conftest import COMPANY_HOST

from .conftest import make_order, sign_in

pytestmark = pytest.mark.django_db

# Every back-office URL; <order> is the owner's order id.
OWN_PAGES = [
    "/backoffice/",
    "/backoffice/orders/",
    "/backoffice/orders/<order>/",
    "/backoffice/contact/",
    "/backoffice/scenes/",
    "/backoffice/share/",
    "/backoffice/earnings/",
    "/backoffice/earnings/statements/2026-11/",
    "/backoffice/customers/",
    "/backoffice/storefront/",
    "/backoffice/password/",
    "/backoffice/security/",
    "/backoffice/team/",  # team (issue 25)
    "/backoffice/earnings/payout-account/",  # payouts (issue 26)
]
POST_ONLY = ["/backoffice/contact/reveal/", "/backoffice/signout/"]
# Scene and share-link pages with an id: walked by tests/scenes/test_backoffice.py.
BY_ID = [
    "/backoffice/scenes/<int:scene_id>/",
    "/backoffice/scenes/<int:scene_id>/close/",
    "/backoffice/scenes/<int:scene_id>/qr.<str:fmt>",
    "/backoffice/share/<int:link_id>/qr.<str:fmt>",
    # hardening: another retailer gets a 404 (tests/retailers/test_email_change.py)
    "/backoffice/email/confirm/<str:token>/",
    # party tools (issue 27): another retailer's 404 in tests/scenes/test_guest_*.py
    "/backoffice/scenes/<int:scene_id>/guests/",
    "/backoffice/scenes/<int:scene_id>/guest-orders/",
]
PUBLIC = ["/backoffice/signin/", "/backoffice/signin/code/"]
# Payouts (issue 26): Stripe Connect onboarding; GET leads back to the signed-in
# retailer's own payout account page, POST makes the signed-in retailer's account only.
CONNECT = [
    "/backoffice/earnings/payout-account/stripe/",
    "/backoffice/earnings/payout-account/stripe/return/",
]
# Payouts (issue 26): the signed-in retailer's own Form 1099-NEC copy, by year.
FORM_1099 = ["/backoffice/earnings/1099/<int:year>/"]


def test_the_list_above_covers_every_back_office_url():
    from retailers import urls_public

    routes = {
        "/"
        + str(p.pattern)
        .replace("<int:order_id>", "<order>")
        .replace("<int:year>-<int:month>", "2026-11")
        for p in urls_public.urlpatterns
        if str(p.pattern).startswith("backoffice/")
    }
    assert routes == set(OWN_PAGES + POST_ONLY + PUBLIC + BY_ID + CONNECT + FORM_1099)
    assert get_resolver("shopsocial.urls_public")


@pytest.fixture
def alice_order(alice_owner):
    order = make_order(alice_owner, "ALICE-SECRET-1", "321.00")
    return order


@pytest.mark.parametrize("path", OWN_PAGES)
def test_owner_sees_own_page(client, alice_owner, alice_order, path):
    sign_in(client, alice_owner)
    response = client.get(path.replace("<order>", str(alice_order.pk)), HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert alice_owner.retailer_number in response.text


@pytest.mark.parametrize("path", OWN_PAGES)
def test_another_retailer_never_sees_the_owners_data(
    client, alice_owner, alice_order, bob_owner, path
):
    sign_in(client, bob_owner)
    response = client.get(path.replace("<order>", str(alice_order.pk)), HTTP_HOST=COMPANY_HOST)
    if "<order>" in path:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert bob_owner.retailer_number in response.text
    for secret in (
        "ALICE-SECRET-1",
        "$321.00",
        alice_owner.retailer_number,
        "Alice&#x27;s Attic",
        "alice_owner",
        "***-**-6789",
    ):
        assert secret not in response.text


@pytest.mark.parametrize("path", OWN_PAGES)
def test_anonymous_visitor_is_sent_to_sign_in(client, alice_owner, alice_order, path):
    response = client.get(path.replace("<order>", str(alice_order.pk)), HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/signin/?next=")


@pytest.mark.parametrize("path", CONNECT)
def test_connect_pages_lead_to_the_signed_in_retailers_own_page(
    client, alice_owner, bob_owner, path, settings
):
    from retailers.earnings.models import ConnectAccount

    settings.PAYOUT_RAIL = "stripe"
    anonymous = client.get(path, HTTP_HOST=COMPANY_HOST)
    assert anonymous["Location"].startswith("/backoffice/signin/?next=")
    sign_in(client, bob_owner)
    response = client.get(path, HTTP_HOST=COMPANY_HOST, follow=True)
    assert response.status_code == 200
    assert bob_owner.retailer_number in response.text
    assert alice_owner.retailer_number not in response.text
    client.post(CONNECT[0], {"retailer": alice_owner.pk}, HTTP_HOST=COMPANY_HOST)
    assert list(ConnectAccount.objects.values_list("retailer", flat=True)) == [bob_owner.pk]


def test_a_form_1099_copy_is_only_its_retailers(client, alice_owner, bob_owner):
    from datetime import UTC, datetime
    from decimal import Decimal

    from retailers.earnings.models import PayoutBatch, PayoutLine

    batch = PayoutBatch.objects.create(
        period_end="2025-05-31",
        minimum=Decimal("25.00"),
        status=PayoutBatch.Status.PAID,
        paid_at=datetime(2025, 6, 1, 12, tzinfo=UTC),
    )
    PayoutLine.objects.create(batch=batch, retailer=alice_owner, amount=Decimal("2400.00"))
    path = FORM_1099[0].replace("<int:year>", "2025")
    assert client.get(path, HTTP_HOST=COMPANY_HOST)["Location"].startswith("/backoffice/signin/")
    sign_in(client, bob_owner)
    assert (
        client.get(path, HTTP_HOST=COMPANY_HOST, data={"retailer": alice_owner.pk}).status_code
        == 404
    )
    client.logout()
    sign_in(client, alice_owner)
    response = client.get(path, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_reveal_shows_only_the_signed_in_retailers_number(client, alice_owner, bob_owner):
    from .conftest import PASSWORD

    sign_in(client, bob_owner)
    response = client.post(
        "/backoffice/contact/reveal/",
        {"password": PASSWORD, "retailer": alice_owner.pk, "retailer_id": alice_owner.pk},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 200
    assert "987-65-4321" in response.text
    assert "123-45-6789" not in response.text


def test_contact_post_cannot_target_another_retailer(client, alice_owner, bob_owner):
    sign_in(client, bob_owner)
    client.post(
        "/backoffice/contact/",
        {
            "legal_name": "Hacked",
            "address_line1": "1 X St",
            "city": "Austin",
            "state": "TX",
            "postal_code": "78701",
            "email": "bob_owner@example.com",
            "phone": "5125550100",
            "pk": alice_owner.pk,
            "retailer_id": alice_owner.pk,
        },
        HTTP_HOST=COMPANY_HOST,
    )
    alice_owner.refresh_from_db()
    bob_owner.refresh_from_db()
    assert alice_owner.legal_name == "Alice_Owner Example"
    assert bob_owner.legal_name == "Hacked"


def test_back_office_does_not_exist_on_storefront_hosts(client, alice_owner):
    sign_in(client, alice_owner)
    response = client.get("/backoffice/", HTTP_HOST="alice.shop.test")
    assert response.status_code == 404
