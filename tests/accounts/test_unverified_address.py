"""An account whose address it has not proved sees and changes none of the data of the
person who owns that address: guest orders, newsletter rows and consent records, breach
notices and banners, tickets, exports, erasure. Once proved, the data is theirs."""

from __future__ import annotations

import pytest

from orders.models import Order
from privacy.marketing.models import ConsentRecord, Subscriber, Suppression
from privacy.models import BreachIncident, BreachNotification, Ticket
from privacy.services import personal_data_erase, personal_data_export, ticket_open
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import BreachIncidentFactory

from .support import email_verified_set

pytestmark = pytest.mark.django_db

BANNER = "Important: a security incident may have affected your information"
VICTIM = "victim@example.com"


@pytest.fixture
def victims_data(alice, make_order):
    order = make_order(alice, email="Victim@Example.com", full_name="Victor Victim")
    subscriber = Subscriber.objects.create(email=VICTIM, status="confirmed")
    consent = ConsentRecord.objects.create(
        subscriber=subscriber, retailer=alice, action="signup", consent_text="Yes please"
    )
    Suppression.objects.create(email=VICTIM, reason="unsubscribed")
    incident = BreachIncidentFactory(
        title="Label printer exposed", scope=BreachIncident.Scope.EMAIL_LIST
    )
    notice = BreachNotification.objects.create(incident=incident, email=VICTIM)
    ticket = ticket_open(topic="other", name="Victor", email=VICTIM, message="My secret question")
    return {
        "order": order,
        "subscriber": subscriber,
        "consent": consent,
        "notice": notice,
        "ticket": ticket,
    }


@pytest.fixture
def mallory(make_shopper):
    """Signed up with the victim's address; never opened the link sent there."""
    return make_shopper(VICTIM, first_name="Mallory")


def test_the_export_holds_none_of_their_data(client, mallory, victims_data):
    data = personal_data_export(user=mallory)
    assert data["orders"] == []
    assert data["tickets"] == []
    assert data["breach_notices"] == []
    assert data["marketing"] == {"subscribers": [], "suppressed": [], "survey_answers": []}
    client.force_login(mallory)
    body = client.get("/privacy/my-data/download/", HTTP_HOST=ALICE_HOST).content.decode()
    for secret in (victims_data["order"].number, "Victor", "Label printer", "Yes please"):
        assert secret not in body


def test_no_page_shows_them(client, mallory, victims_data):
    client.force_login(mallory)
    for host, path in [(ALICE_HOST, "/"), (ALICE_HOST, "/account/orders/"), (COMPANY_HOST, "/")]:
        page = client.get(path, HTTP_HOST=host).text
        assert BANNER not in page
        assert victims_data["order"].number not in page
    response = client.get(f"/account/orders/{victims_data['order'].number}/", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 404
    acknowledged = client.post(
        f"/privacy/notices/{victims_data['notice'].pk}/acknowledge/", HTTP_HOST=ALICE_HOST
    )
    assert acknowledged.status_code == 404


def test_erasing_the_account_changes_none_of_their_data(mallory, victims_data):
    personal_data_erase(user=mallory)
    order = Order.objects.get(pk=victims_data["order"].pk)
    assert (order.email, order.full_name, order.customer) == (
        "Victim@Example.com",
        "Victor Victim",
        None,
    )
    assert Subscriber.objects.filter(pk=victims_data["subscriber"].pk, status="confirmed").exists()
    assert ConsentRecord.objects.filter(pk=victims_data["consent"].pk).exists()
    notice = BreachNotification.objects.get(pk=victims_data["notice"].pk)
    assert (notice.email, notice.acknowledged_at, notice.acknowledged_by) == (VICTIM, None, None)
    ticket = Ticket.objects.get(pk=victims_data["ticket"].pk)
    assert (ticket.name, ticket.email) == ("Victor", VICTIM)


def test_the_person_who_proves_the_address_gets_all_of_it(client, make_shopper, victims_data):
    victor = make_shopper("other-login@example.com")
    victor.email = VICTIM
    victor.save(update_fields=["email"])
    email_verified_set(victor)
    data = personal_data_export(user=victor)
    assert [s["email"] for s in data["marketing"]["subscribers"]] == [VICTIM]
    assert [n["incident"] for n in data["breach_notices"]] == ["Label printer exposed"]
    client.force_login(victor)
    assert BANNER in client.get("/", HTTP_HOST=ALICE_HOST).text


def test_a_stale_verification_does_not_cover_a_new_unproved_address(mallory, victims_data):
    """Proved one address, then the account's address changed by other means: nothing matches."""
    mallory.email = "mallory@example.com"
    mallory.save(update_fields=["email"])
    email_verified_set(mallory)
    mallory.email = VICTIM  # e.g. an admin edit: not proved
    mallory.save(update_fields=["email"])
    assert personal_data_export(user=mallory)["breach_notices"] == []


def test_erasure_forgets_the_proved_address_and_frees_it(make_shopper):
    from orders.accounts.models import AccountEmail

    victor = make_shopper(VICTIM)
    email_verified_set(victor)
    assert personal_data_export(user=victor)["account_email"]["verified_email"] == VICTIM
    personal_data_erase(user=victor)
    assert not AccountEmail.objects.filter(user=victor).exists()
    newcomer = make_shopper("new@example.com")
    newcomer.email = VICTIM
    newcomer.save(update_fields=["email"])
    email_verified_set(newcomer)  # the unique constraint no longer holds the address
