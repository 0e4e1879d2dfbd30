"""The starter kit: registration ends in its checkout on the company site, and it counts
for no one's volume or commission."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from retailers.earnings.models import CommissionEntry
from retailers.earnings.services import commission_accrue
from retailers.team.close import team_month_close
from retailers.team.models import Standing
from retailers.team.services import starter_kit_seed_demo
from storefront.models import Product
from tests.conftest import COMPANY_HOST
from tests.factories import OrderFactory

from .conftest import member, sale

pytestmark = pytest.mark.django_db


def test_registration_ends_in_the_starter_kits_checkout(client, alice, registration_data):
    starter_kit_seed_demo()
    response = client.post(
        "/register/",
        {**registration_data, "sponsor": alice.retailer_number},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302
    welcome = client.get(response["Location"], HTTP_HOST=COMPANY_HOST)
    assert "Last step: your starter kit" in welcome.text
    action = f"{response['Location']}starter-kit/"
    assert f'action="{action}"' in welcome.text
    assert client.get(action, HTTP_HOST=COMPANY_HOST).status_code == 405  # POST only
    for _ in range(2):  # a second press does not add a second kit
        paid = client.post(action, HTTP_HOST=COMPANY_HOST)
        assert (paid.status_code, paid["Location"]) == (302, "/checkout/")
    cart = client.get("/cart/", HTTP_HOST=COMPANY_HOST)
    assert "Retailer starter kit" in cart.text
    checkout = client.get("/checkout/", HTTP_HOST=COMPANY_HOST)
    assert checkout.status_code == 200 and "Retailer starter kit" in checkout.text
    forged = client.post("/register/welcome/forged/starter-kit/", HTTP_HOST=COMPANY_HOST)
    assert forged.status_code == 404


def test_the_kit_earns_no_commission_and_no_volume_even_when_a_sponsor_is_named(team_plan):
    starter_kit_seed_demo()
    kit = Product.objects.get(sku="KIT-START")
    jane = member("Jane")
    kim = member("Kim", jane)
    sale(jane, "200.00", at=timezone.now())
    company = jane.__class__.objects.get(kind="company")
    named = OrderFactory(
        retailer=company,
        helped_by=jane,  # the new retailer named their sponsor at the kit's checkout
        status="paid",
        paid_at=timezone.now(),
        subtotal=Decimal("49.00"),
        lines=[(kit, 1)],
    )
    nobody = OrderFactory(
        retailer=company,
        status="paid",
        paid_at=timezone.now(),
        lines=[(kit, 1)],
        subtotal=Decimal("49.00"),
        email=kim.email,
    )
    commission_accrue(order=named)
    commission_accrue(order=nobody)
    accrual = CommissionEntry.objects.get(order=named)
    assert (accrual.retailer_id, accrual.amount) == (jane.pk, Decimal("0.00"))
    assert not CommissionEntry.objects.filter(order=nobody).exists()
    month = date.today().replace(day=1)
    team_month_close(month=month)
    standing = Standing.objects.get(retailer=jane, month=month)
    assert standing.personal_volume == Decimal("200.00")  # the kit's 49.00 counts for no one
    assert Standing.objects.get(retailer=kim, month=month).group_volume == Decimal("0.00")
    assert not CommissionEntry.objects.filter(kind="override").exists()
