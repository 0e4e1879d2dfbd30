"""A signed-in shopper edits, downloads and erases their own data."""

import json

import pytest
from django.contrib.auth import get_user_model

from orders.models import Order
from privacy.models import DataErasure, Ticket, TicketMessage
from privacy.services import personal_data_export, ticket_open
from privacy.services.personal_data import personal_data_section
from tests.conftest import ALICE_HOST, COMPANY_HOST

pytestmark = pytest.mark.django_db

HOSTS = [COMPANY_HOST, ALICE_HOST]


@pytest.fixture(autouse=True)
def _tenants(company, alice, bob):
    return None


@pytest.mark.parametrize("host", HOSTS)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/privacy/my-data/"),
        ("get", "/privacy/my-data/download/"),
        ("post", "/privacy/my-data/details/"),
        ("post", "/privacy/my-data/delete/"),
    ],
)
def test_my_data_pages_require_sign_in(client, host, method, path):
    response = getattr(client, method)(path, HTTP_HOST=host)
    assert response.status_code == 302
    assert response["Location"] == f"/account/login/?next={path}"


@pytest.mark.parametrize("host", HOSTS)
def test_the_page_shows_the_shoppers_details(client, shopper, host):
    client.force_login(shopper)
    response = client.get("/privacy/my-data/", HTTP_HOST=host)
    assert response.status_code == 200
    assert "<strong>sam@example.com</strong>" in response.text
    assert 'href="/account/email/"' in response.text  # changed only through verification
    assert 'value="Sam"' in response.text
    assert "no-store" in response["Cache-Control"]


def test_a_shopper_edits_their_details_but_not_their_email_here(client, shopper):
    client.force_login(shopper)
    response = client.post(
        "/privacy/my-data/details/",
        # An address posted here is ignored: it changes only once verified (/account/email/).
        {"first_name": "Samantha", "last_name": "Shopper", "email": "samantha@example.com"},
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 303
    assert response["Location"] == "/privacy/my-data/?saved=1"
    shopper.refresh_from_db()
    assert (shopper.first_name, shopper.email) == ("Samantha", "sam@example.com")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"first_name": "x" * 151, "last_name": ""}, "at most 150"),
        ({"first_name": "S", "last_name": "y" * 151}, "at most 150"),
        # hardening (issue 30 item 11): an empty name is refused.
        ({"first_name": "", "last_name": ""}, "Enter your name."),
        ({"first_name": "   ", "last_name": " "}, "Enter your name."),
    ],
)
def test_bad_details_are_refused_and_nothing_changes(client, shopper, other_shopper, data, error):
    client.force_login(shopper)
    response = client.post("/privacy/my-data/details/", data, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400
    assert error in response.text
    shopper.refresh_from_db()
    assert (shopper.first_name, shopper.email) == ("Sam", "sam@example.com")


def test_the_download_holds_exactly_the_shoppers_data(
    client, shopper, other_shopper, alice, bob, make_order
):
    mine = make_order(alice, email="sam@example.com", customer=shopper)
    # A guest order under the same address is not the account's: an account's address is
    # not verified, so it is left to staff (a ticket), never handed out by email match.
    make_order(bob, email="SAM@example.com")
    make_order(alice, email="olga@example.com", customer=other_shopper, full_name="Olga Other")
    ticket_open(topic="other", name="Sam", email="sam@example.com", message="Hello", user=shopper)
    ticket_open(topic="other", name="Sam?", email="sam@example.com", message="Not via the account")
    ticket_open(topic="other", name="Olga", email="olga@example.com", message="Olga's secret")

    client.force_login(shopper)
    response = client.get("/privacy/my-data/download/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == "sam@example.com"
    assert data["account"]["username"] == "sam"
    assert [o["number"] for o in data["orders"]] == [mine.number]
    assert data["orders"][0]["lines"] == []
    assert "checkout_session_id" not in data["orders"][0]
    assert [t["messages"][0]["body"] for t in data["tickets"]] == ["Hello"]
    assert all("secret_salt" not in t for t in data["tickets"])
    assert "olga" not in response.text.lower()
    assert "Olga" not in response.text


def test_other_apps_can_add_a_section_to_the_export(shopper, monkeypatch):
    from privacy.services import personal_data

    monkeypatch.setattr(personal_data, "_SECTIONS", {})
    personal_data_section("loyalty", export=lambda user, emails: {"emails": sorted(emails)})
    data = personal_data_export(user=shopper)
    assert data["loyalty"] == {"emails": ["sam@example.com"]}
    assert data["marketing"] == {"subscribers": [], "suppressed": [], "survey_answers": []}


def test_newsletter_data_is_exported_and_erased_but_the_opt_out_is_kept(
    client, shopper, other_shopper
):
    from privacy.marketing.models import Subscriber, Suppression

    mine = Subscriber.objects.create(email="sam@example.com", status="unsubscribed")
    Subscriber.objects.create(email="olga@example.com", status="confirmed")
    Suppression.objects.create(email="sam@example.com", reason="unsubscribed")
    data = personal_data_export(user=shopper)["marketing"]
    assert [s["email"] for s in data["subscribers"]] == ["sam@example.com"]
    assert data["subscribers"][0]["subscriptions"] == []
    assert [s["reason"] for s in data["suppressed"]] == ["unsubscribed"]

    client.force_login(shopper)
    client.post("/privacy/my-data/delete/", {"confirm": "DELETE"}, HTTP_HOST=ALICE_HOST)
    assert not Subscriber.objects.filter(pk=mine.pk).exists()
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["olga@example.com"]
    assert Suppression.objects.filter(email="sam@example.com").exists()


def test_deletion_erases_personal_data_and_keeps_orders_minimal(
    client, shopper, other_shopper, alice, make_order
):
    order = make_order(alice, email="sam@example.com", customer=shopper, note="Gift wrap")
    olgas = make_order(alice, email="olga@example.com", customer=other_shopper)
    ticket = ticket_open(
        topic="delete_data", name="Sam", email="sam@example.com", message="Bye", user=shopper
    )
    # Someone else's ticket under the same address is not erased by this account.
    stranger = ticket_open(topic="other", name="Sam", email="sam@example.com", message="Hi")
    client.force_login(shopper)

    response = client.post("/privacy/my-data/delete/", {"confirm": "DELETE"}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert "Your data is deleted" in response.text

    shopper.refresh_from_db()
    assert shopper.username == f"erased-{shopper.pk}"
    assert (shopper.email, shopper.first_name, shopper.last_name) == ("", "", "")
    assert shopper.is_active is False
    assert shopper.has_usable_password() is False

    order.refresh_from_db()
    assert order.customer is None
    assert (order.email, order.full_name, order.phone, order.ship_line1, order.note) == (
        "",
        "[erased]",
        "",
        "[erased]",
        "",
    )
    # Kept: what accounting and sales tax need.
    assert (order.number, str(order.total), order.ship_state, order.ship_postal_code) == (
        order.number,
        "47.95",
        "TX",
        "78701",
    )
    ticket.refresh_from_db()
    assert (ticket.name, ticket.email, ticket.status) == ("[erased]", "", "closed")
    stranger.refresh_from_db()
    assert (stranger.name, stranger.email) == ("Sam", "sam@example.com")
    assert list(TicketMessage.objects.filter(ticket=ticket).values_list("body", flat=True)) == [
        "[erased]"
    ]
    olgas.refresh_from_db()
    assert (olgas.email, olgas.customer) == ("olga@example.com", other_shopper)
    erasure = DataErasure.objects.get()
    assert (erasure.user_id, erasure.orders_anonymised, erasure.tickets_erased) == (
        shopper.pk,
        1,
        1,
    )
    # Signed out: the page now asks for sign-in.
    assert client.get("/privacy/my-data/", HTTP_HOST=ALICE_HOST).status_code == 302


@pytest.mark.parametrize("confirm", ["", "delete me", "yes"])
def test_deletion_needs_the_confirmation_word(client, shopper, confirm):
    client.force_login(shopper)
    response = client.post("/privacy/my-data/delete/", {"confirm": confirm}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 400
    shopper.refresh_from_db()
    assert shopper.is_active is True and shopper.email == "sam@example.com"
    assert DataErasure.objects.count() == 0


def test_deletion_waits_for_an_unshipped_order(client, shopper, alice, make_order):
    order = make_order(alice, email="sam@example.com", customer=shopper, status=Order.Status.PAID)
    client.force_login(shopper)
    response = client.post("/privacy/my-data/delete/", {"confirm": "DELETE"}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 409
    assert "You have an order that has not shipped yet." in response.text
    order.refresh_from_db()
    shopper.refresh_from_db()
    assert (order.email, shopper.email, shopper.is_active) == (
        "sam@example.com",
        "sam@example.com",
        True,
    )
    assert DataErasure.objects.count() == 0


def test_a_retailer_account_is_not_erased_online(client, make_user, alice):
    user = make_user("alice-owner", "owner@alice.test")
    alice.user = user
    alice.save(update_fields=["user"])
    client.force_login(user)
    response = client.post(
        "/privacy/my-data/delete/", {"confirm": "DELETE"}, HTTP_HOST=COMPANY_HOST
    )
    assert response.status_code == 409
    assert "Retailer accounts hold tax records" in response.text
    assert get_user_model().objects.get(pk=user.pk).is_active is True
    assert Ticket.objects.count() == 0
