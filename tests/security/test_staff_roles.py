"""Least privilege by role: each staff group can do its job in the admin, and nothing else.

The roles are defined by retailers/migrations/0007_staff_roles.py (README "Staff
roles"). For each role: the pages and actions it needs work; the ones it does not
need answer 403 or are not offered, and refusing them changes nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from orders.models import Order
from retailers import crypto
from retailers.models import Retailer, RetailerAuditEvent
from tests.conftest import COMPANY_HOST

pytestmark = pytest.mark.django_db

ROLES = ("Support", "Fulfilment", "Finance", "Marketing", "Catalog", "Compliance")
STAFF_PASSWORD = "Staff-pass-for-roles-1"
CUSTOMER_EMAIL = "role-customer@example.com"

# Admin pages: which roles may open them (200); every other role gets 403.
PAGES = {
    "/admin/orders/order/": {"Support", "Fulfilment", "Finance", "Compliance"},
    "/admin/orders/order/{order}/change/": {"Support", "Fulfilment", "Finance", "Compliance"},
    "/admin/privacy/ticket/": {"Support", "Compliance"},
    "/admin/marketing/campaign/": {"Marketing"},
    "/admin/marketing/campaign/add/": {"Marketing"},
    "/admin/storefront/product/add/": {"Catalog"},
    "/admin/storefront/category/add/": {"Catalog"},
    "/admin/reviews/review/": {"Catalog"},  # reviews (issue 28): moderation
    "/admin/privacy/breachincident/add/": {"Compliance"},
    "/admin/retailers/retailerauditevent/": {"Compliance"},
    "/admin/retailers/retailer/{alice}/reveal-tax-id/": {"Compliance"},
    "/admin/mail/outboundemail/": {"Compliance"},
    "/admin/axes/accessattempt/": {"Compliance"},
    "/admin/auth/user/": set(),
    # shoppers' change requests (issue 30 item 10): Support; Compliance reads the audit
    "/admin/accounts/shopperaccount/": {"Support"},
    "/admin/accounts/accountcorrection/": {"Support", "Compliance"},
    "/admin/auth/group/": set(),
    "/admin/orders/order/{order}/delete/": set(),
    "/admin/retailers/retailer/{alice}/delete/": set(),
}
# Order actions each role is offered on the order list.
ORDER_ACTIONS = {
    "Support": {"revoke_status_links", "correct_contact"},  # correct: issue 30 item 10
    "Fulfilment": {"mark_shipped"},
    "Finance": {"refund"},
    "Compliance": set(),
}


@pytest.fixture
def order(alice) -> Order:
    return Order.objects.create(
        number="SSR-ROLE-1",
        retailer=alice,
        status=Order.Status.PAID,
        email=CUSTOMER_EMAIL,
        full_name="Rolf Customer",
        phone="555-010-9999",
        ship_line1="9 Ship Street",
        ship_city="Austin",
        ship_state="TX",
        ship_postal_code="78701",
        subtotal=Decimal("10.00"),
        shipping=Decimal("0.00"),
        total=Decimal("10.00"),
    )


@pytest.fixture
def alice_with_ssn(alice) -> Retailer:
    Retailer.objects.filter(pk=alice.pk).update(
        tax_id_kind="ssn", tax_id_encrypted=crypto.encrypt("123456789"), tax_id_last4="6789"
    )
    alice.refresh_from_db()
    return alice


@pytest.fixture
def campaign():
    from privacy.marketing.models import Campaign

    return Campaign.objects.create(
        name="Spring", subject="Spring sale", body_html="<p>Hi</p>", body_text="Hi"
    )


def staff_client(role: str) -> tuple[Client, object]:
    user = get_user_model().objects.create_user(
        f"staff-{role.lower()}", f"{role.lower()}@staff.example", STAFF_PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client, user


def offered_actions(client: Client, path: str) -> set[str]:
    page = client.get(path, HTTP_HOST=COMPANY_HOST).content.decode()
    return set(re.findall(r'<option value="(\w+)"', page)) - {"delete_selected"}


# Plan configuration rows Finance may remove; nothing else is ever deleted by a role.
DELETABLE = {
    "delete_levelrate",
    "delete_categoryrate",
    # the team plan's rows (retailers/team): ranks and override rates by generation
    "delete_rank",
    "delete_generationrate",
}


def test_the_six_roles_exist_and_none_may_delete_or_manage_users():
    groups = {g.name: g for g in Group.objects.filter(name__in=ROLES)}
    assert set(groups) == set(ROLES)
    for group in groups.values():
        codenames = set(group.permissions.values_list("codename", flat=True))
        deletes = {c for c in codenames if c.startswith("delete_")}
        assert deletes <= (DELETABLE if group.name == "Finance" else set()), group.name
        assert not codenames & {"add_user", "change_user", "add_group", "change_group"}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_its_pages(role, order, alice_with_ssn):
    client, _ = staff_client(role)
    wrong = []
    for template, allowed in PAGES.items():
        path = template.format(order=order.pk, alice=alice_with_ssn.pk)
        status = client.get(path, HTTP_HOST=COMPANY_HOST).status_code
        expected = 200 if role in allowed else 403
        if status != expected:
            wrong.append((path, status, expected))
    assert wrong == []


@pytest.mark.parametrize("role", sorted(ORDER_ACTIONS))
def test_each_role_is_offered_exactly_its_order_actions(role, order):
    client, _ = staff_client(role)
    assert offered_actions(client, "/admin/orders/order/") == ORDER_ACTIONS[role]


@pytest.mark.parametrize(
    ("role", "sees_ship_to", "sees_email"),
    [
        ("Support", True, True),
        ("Fulfilment", True, False),
        ("Finance", False, False),
        ("Compliance", False, False),
    ],
)
def test_who_sees_the_ship_to_address_and_the_customer_email(role, sees_ship_to, sees_email, order):
    client, _ = staff_client(role)
    page = client.get(f"/admin/orders/order/{order.pk}/change/", HTTP_HOST=COMPANY_HOST)
    body = page.content.decode()
    assert ("9 Ship Street" in body) is sees_ship_to
    assert (CUSTOMER_EMAIL in body) is sees_email
    assert ("555-010-9999" in body) is sees_email


def test_fulfilment_marks_an_order_shipped(order):
    client, _ = staff_client("Fulfilment")
    response = client.post(
        "/admin/orders/order/",
        {
            "action": "mark_shipped",
            "_selected_action": [order.pk],
            "apply": "1",
            "carrier": "UPS",
            "tracking_number": "1Z999",
        },
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED


@pytest.mark.parametrize("role", ["Fulfilment", "Support", "Marketing", "Compliance"])
def test_only_finance_can_refund(role, order):
    client, _ = staff_client(role)
    client.post(
        "/admin/orders/order/",
        {"action": "refund", "_selected_action": [order.pk], "apply": "1", "amount": "10.00"},
        HTTP_HOST=COMPANY_HOST,
    )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.refunded_amount == Decimal("0")


def test_finance_is_offered_the_refund_form(order):
    client, _ = staff_client("Finance")
    response = client.post(
        "/admin/orders/order/",
        {"action": "refund", "_selected_action": [order.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 200
    assert "Refund order SSR-ROLE-1" in response.content.decode()


def test_marketing_runs_campaigns_without_being_superuser(campaign):
    client, user = staff_client("Marketing")
    assert not user.is_superuser
    assert offered_actions(client, "/admin/marketing/campaign/") == {
        "send_test",
        "start_now",
        "schedule",
        "pause",
        "resume",
    }


@pytest.mark.parametrize("role", ["Support", "Compliance", "Catalog"])
def test_other_roles_cannot_run_campaigns(role, campaign):
    client, _ = staff_client(role)
    response = client.post(
        "/admin/marketing/campaign/",
        {"action": "start_now", "_selected_action": [campaign.pk]},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == campaign.Status.DRAFT
    preview = client.get(
        f"/admin/marketing/campaign/{campaign.pk}/preview/", HTTP_HOST=COMPANY_HOST
    )
    assert preview.status_code == 403


def test_catalog_edits_products_and_nobody_else_does(alice):
    from storefront.models import Category, Product

    category = Category.objects.create(name="Role Cat", slug="role-cat")
    product = Product.objects.create(
        sku="ROLE-1", name="Role Candle", slug="role-candle", category=category,
        price=Decimal("5.00"), stock=1,
    )  # fmt: skip
    for role in ROLES:
        client, _ = staff_client(role)
        page = client.get(f"/admin/storefront/product/{product.pk}/change/", HTTP_HOST=COMPANY_HOST)
        can_edit = 'name="_save"' in page.content.decode()
        assert can_edit is (role == "Catalog"), role


def test_compliance_reveals_a_tax_id_with_password_and_it_is_audited(alice_with_ssn):
    client, user = staff_client("Compliance")
    path = f"/admin/retailers/retailer/{alice_with_ssn.pk}/reveal-tax-id/"
    wrong = client.post(path, {"password": "wrong"}, HTTP_HOST=COMPANY_HOST)
    assert wrong.status_code == 403
    assert "123-45-6789" not in wrong.content.decode()
    shown = client.post(path, {"password": STAFF_PASSWORD}, HTTP_HOST=COMPANY_HOST)
    assert shown.status_code == 200
    assert "123-45-6789" in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    events = list(
        RetailerAuditEvent.objects.filter(retailer=alice_with_ssn)
        .order_by("pk")
        .values_list("action", "actor", "detail")
    )
    assert events == [
        ("reauth_failed", user.pk, "tax_id_reveal"),
        ("tax_id_revealed", user.pk, ""),
    ]


@pytest.mark.parametrize("role", ["Support", "Finance", "Fulfilment"])
def test_other_roles_never_see_a_full_tax_id(role, alice_with_ssn):
    client, _ = staff_client(role)
    response = client.post(
        f"/admin/retailers/retailer/{alice_with_ssn.pk}/reveal-tax-id/",
        {"password": STAFF_PASSWORD},
        HTTP_HOST=COMPANY_HOST,
    )
    assert response.status_code == 403
    assert "123-45-6789" not in response.content.decode()
    assert not RetailerAuditEvent.objects.filter(action="tax_id_revealed").exists()


# --- hardening: least privilege, checked against the privacy policy (issue 30 item 10)
ACCOUNT_EMAIL = "account-holder@example.com"


@pytest.mark.parametrize(
    ("role", "sees"),
    [("Support", True), ("Fulfilment", False), ("Finance", False), ("Compliance", False)],
)
def test_only_roles_with_contact_data_see_the_shoppers_account_on_an_order(role, sees, order):
    account = get_user_model().objects.create_user(ACCOUNT_EMAIL, ACCOUNT_EMAIL, "x")
    Order.objects.filter(pk=order.pk).update(customer=account)
    client, _ = staff_client(role)
    page = client.get(f"/admin/orders/order/{order.pk}/change/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    assert (ACCOUNT_EMAIL in page.content.decode()) is sees


@pytest.mark.parametrize(
    ("role", "sees"),
    [("Support", True), ("Finance", True), ("Compliance", True), ("Marketing", False)],
)
def test_retailer_contact_data_only_for_roles_that_need_it(role, sees, alice):
    Retailer.objects.filter(pk=alice.pk).update(
        email="alice-contact@example.com", phone="+15125550177"
    )
    client, _ = staff_client(role)
    page = client.get(f"/admin/retailers/retailer/{alice.pk}/change/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    body = page.content.decode()
    assert ("alice-contact@example.com" in body) is sees
    search = client.get(
        "/admin/retailers/retailer/?q=alice-contact@example.com", HTTP_HOST=COMPANY_HOST
    )
    assert (alice.display_name.replace("'", "&#x27;") in search.content.decode()) is sees


def _correct(client, order, **changes):
    data = {
        "action": "correct_contact",
        "_selected_action": [order.pk],
        "apply": "1",
        "full_name": "Rolf Customer",
        "phone": "555-010-9999",
        "ship_line1": "9 Ship Street",
        "ship_line2": "",
        "ship_city": "Austin",
        "ship_state": "TX",
        "ship_postal_code": "78701",
        "reason": "Ticket T-123: moved",
        **changes,
    }
    return client.post("/admin/orders/order/", data, HTTP_HOST=COMPANY_HOST)


def test_support_corrects_an_unshipped_orders_address_with_an_audit_row(order):
    from orders.models import OrderEvent

    client, support = staff_client("Support")
    response = _correct(client, order, ship_line1="12 New Road", ship_postal_code="78702")
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.ship_line1, order.ship_postal_code) == ("12 New Road", "78702")
    event = OrderEvent.objects.get(order=order, message__startswith="Customer details corrected")
    assert event.actor == f"staff:{support.pk}"
    assert "ship_line1, ship_postal_code" in event.message and "12 New Road" not in event.message


def test_a_shipped_orders_address_is_not_corrected(order):
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SHIPPED)
    client, _ = staff_client("Support")
    _correct(client, order, ship_line1="12 New Road")
    order.refresh_from_db()
    assert order.ship_line1 == "9 Ship Street"


@pytest.mark.parametrize("role", ["Fulfilment", "Finance", "Compliance"])
def test_other_roles_cannot_correct_customer_details(role, order):
    client, _ = staff_client(role)
    _correct(client, order, ship_line1="12 New Road")
    order.refresh_from_db()
    assert order.ship_line1 == "9 Ship Street"


# --- Support corrects a shopper's account on request (issue 30 item 10) --------------------


@pytest.fixture
def shopper():
    return get_user_model().objects.create_user(
        "sam@example.com", "sam@example.com", "Shopper-pass-1", first_name="Sam", last_name="Smyth"
    )


def _correct_account(client: Client, user, **changes: str):
    data = {
        "action": "correct_details",
        "apply": "1",
        "_selected_action": [str(user.pk)],
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "reason": "Ticket T-77: name misspelt",
        **changes,
    }
    return client.post("/admin/accounts/shopperaccount/", data, HTTP_HOST=COMPANY_HOST)


def test_support_lists_shoppers_only(shopper, alice):
    client, support = staff_client("Support")
    alice_login = get_user_model().objects.create_user("alice-login", "alice@example.com", "x")
    Retailer.objects.filter(pk=alice.pk).update(user=alice_login)
    page = client.get("/admin/accounts/shopperaccount/", HTTP_HOST=COMPANY_HOST)
    assert page.status_code == 200
    body = page.content.decode()
    assert "sam@example.com" in body
    assert "alice@example.com" not in body and support.email not in body
    assert "correct_details" in offered_actions(client, "/admin/accounts/shopperaccount/")


def test_support_corrects_a_shoppers_name_with_an_audit_row(shopper):
    from orders.accounts.models import AccountCorrection

    client, support = staff_client("Support")
    response = _correct_account(client, shopper, last_name="Smith")
    assert response.status_code == 302
    shopper.refresh_from_db()
    assert (shopper.first_name, shopper.last_name) == ("Sam", "Smith")
    row = AccountCorrection.objects.get(user=shopper)
    assert row.actor == f"staff:{support.pk}"
    assert row.fields == "last_name" and "Smith" not in row.fields
    assert row.reason == "Ticket T-77: name misspelt"


def test_an_email_corrected_by_support_waits_for_the_new_address(shopper):
    from orders.accounts.models import AccountCorrection, AccountEmail
    from shopsocial.mail.models import OutboundEmail

    client, _ = staff_client("Support")
    _correct_account(client, shopper, email="sam.new@example.com")
    shopper.refresh_from_db()
    assert shopper.email == "sam@example.com"  # nothing changes until the link is used
    assert AccountEmail.objects.get(user=shopper).pending_email == "sam.new@example.com"
    assert OutboundEmail.objects.filter(
        template="account_email_verify", to="sam.new@example.com"
    ).exists()
    assert "email" in AccountCorrection.objects.get(user=shopper).fields


def test_a_correction_without_a_reason_changes_nothing(shopper):
    from orders.accounts.models import AccountCorrection

    client, _ = staff_client("Support")
    _correct_account(client, shopper, last_name="Smith", reason="")
    shopper.refresh_from_db()
    assert shopper.last_name == "Smyth"
    assert not AccountCorrection.objects.exists()


@pytest.mark.parametrize("role", ["Fulfilment", "Finance", "Compliance", "Marketing"])
def test_other_roles_cannot_correct_a_shoppers_account(role, shopper):
    client, _ = staff_client(role)
    _correct_account(client, shopper, last_name="Smith")
    shopper.refresh_from_db()
    assert shopper.last_name == "Smyth"
