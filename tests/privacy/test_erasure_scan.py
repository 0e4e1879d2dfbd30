"""Erasure erases: after "delete my data", a busy shopper's email and name are nowhere.

The shopper does everything the site offers — signs up, mistypes the password once,
signs in, orders (confirmation and shipping email), opens a ticket and gets a staff
reply, signs up to and confirms the newsletter, answers the survey with their name,
receives a breach notice, unsubscribes — and staff touch their account in the admin.
Then they press "delete my data". Every text and JSON column of every table in the
public schema is scanned for their email address and their names. The only row
allowed to keep the address is the suppression entry: an opt-out must outlive the
account (CAN-SPAM), or a later import could mail them again.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.utils import timezone

from orders.accounts.services import account_email_verify
from orders.emails import order_confirmation_enqueue, order_shipped_enqueue
from orders.models import Order
from privacy.marketing.models import Subscription, Suppression, SurveyResponse
from privacy.marketing.services.subscriptions import subscriber_unsubscribe, subscription_confirm
from privacy.models import BreachIncident, BreachNotification, Ticket
from privacy.services.personal_data import email_pseudonym
from privacy.services.tickets import ticket_reply_staff
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from tests.conftest import ALICE_HOST
from tests.factories import BreachIncidentFactory

pytestmark = pytest.mark.django_db

EMAIL = "zebulon.quill@example.com"
FIRST, LAST = "Zebulon", "Quillfeather"
PASSWORD = "Busy-shopper-pass-77"
SAME_ORIGIN = {"HTTP_ORIGIN": f"http://{ALICE_HOST}", "HTTP_SEC_FETCH_SITE": "same-origin"}
# (table, column) that may keep the address after erasure, and why.
KEPT_BY_LAW = {("marketing_suppression", "email")}  # the opt-out outlives the account


def text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.table_name, c.column_name
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
            ORDER BY 1, 2
            """
        )
        return cursor.fetchall()


def where_found(needle: str) -> set[tuple[str, str]]:
    found = set()
    with connection.cursor() as cursor:
        for table, column in text_columns():
            cursor.execute(
                f'SELECT 1 FROM public."{table}" WHERE "{column}"::text ILIKE %s LIMIT 1',
                [f"%{needle}%"],
            )
            if cursor.fetchone():
                found.add((table, column))
    return found


@pytest.fixture
def busy_shopper(alice, company):
    client = Client()
    staff = get_user_model().objects.create_user(
        "erasure-staff", "staff@shop.example", is_staff=True
    )
    # Signs up, signs out, mistypes the password once, signs in.
    response = client.post(
        "/account/signup/",
        {
            "email": EMAIL,
            "full_name": f"{FIRST} {LAST}",
            "password": PASSWORD,
            "birth_year": "1980",
        },
        HTTP_HOST=ALICE_HOST,
    )
    assert response.status_code == 200, response.content  # "Check your email" (issue 30)
    user = get_user_model().objects.get(email=EMAIL)
    # They follow the verification link: records under this address are provably theirs.
    account_email_verify(user=user)
    client.logout()
    client.post("/account/login/", {"email": EMAIL, "password": "wrong"}, HTTP_HOST=ALICE_HOST)
    client.post("/account/login/", {"email": EMAIL, "password": PASSWORD}, HTTP_HOST=ALICE_HOST)
    assert client.session["_auth_user_id"] == str(user.pk)
    # Later, from another device, a mistyped password (a pending failed attempt).
    Client().post("/account/login/", {"email": EMAIL, "password": "wrong"}, HTTP_HOST=ALICE_HOST)

    # An order while signed in, paid and shipped: two emails.
    order = Order.objects.create(
        number="SS-ERASE-1", retailer=alice, customer=user, status=Order.Status.SHIPPED,
        email=EMAIL, full_name=f"{FIRST} {LAST}", phone="555-0199", ship_line1="7 Quill Lane",
        ship_city="Austin", ship_state="TX", ship_postal_code="78701", note=f"For {FIRST}",
        subtotal=Decimal("20.00"), shipping=Decimal("0.00"), total=Decimal("20.00"),
        carrier="UPS", tracking_number="1Z1", shipped_at=timezone.now(),
    )  # fmt: skip
    order_confirmation_enqueue(order=order)
    order_shipped_enqueue(order=order)

    # A ticket while signed in, and a staff reply (both emailed).
    response = client.post(
        "/contact/",
        {"topic": "other", "name": f"{FIRST} {LAST}", "email": EMAIL, "phone": "512-555-0199",
         "message": f"Hello, this is {FIRST} {LAST} ({EMAIL})."},
        HTTP_HOST=ALICE_HOST, **SAME_ORIGIN,
    )  # fmt: skip
    assert response.status_code in (302, 303), response.content
    ticket = Ticket.objects.get(user=user)
    ticket_reply_staff(ticket=ticket, staff_user=staff, body=f"Dear {FIRST}, done.")

    # Newsletter: signs up, confirms, later unsubscribes (the opt-out is kept).
    response = client.post(
        "/newsletter/", {"email": EMAIL, "birth_year": "1980"}, HTTP_HOST=ALICE_HOST, **SAME_ORIGIN
    )
    assert response.status_code == 200, response.content
    subscription = Subscription.objects.get(subscriber__email=EMAIL)
    subscription_confirm(subscription=subscription, host=ALICE_HOST, path="/newsletter/confirm/")
    subscriber_unsubscribe(subscriber=subscription.subscriber, source="one-click")

    # The survey, answered with their name and "you may contact me".
    SurveyResponse.objects.create(
        order_digest="e" * 64, order=order, retailer=alice, rating=5,
        comment=f"Great service - {FIRST} {LAST}", may_contact=True,
        answered_on=timezone.localdate(),
    )  # fmt: skip

    # A breach notice to their address (email row + in-site notice).
    incident = BreachIncidentFactory(scope=BreachIncident.Scope.ALL_SHOPPERS)
    notice = BreachNotification.objects.create(incident=incident, email=EMAIL)
    email_enqueue(
        kind="legal", to=EMAIL, template="privacy/email/breach_notice",
        context={"name": f"{FIRST} {LAST}"}, dedupe_key=f"breach-notice:{notice.pk}",
    )  # fmt: skip

    # Staff edited the account in the admin (the log names the object).
    LogEntry.objects.create(
        user=staff, content_type=ContentType.objects.get_for_model(user), object_id=str(user.pk),
        object_repr=str(user), action_flag=CHANGE, change_message="Changed email.",
    )  # fmt: skip
    return client, user


def test_before_erasure_the_shopper_is_everywhere(busy_shopper):
    # The scan sees what it must: the test data really is spread over the schema.
    tables = {table for table, _ in where_found(EMAIL)}
    assert {
        "auth_user", "orders_order", "privacy_ticket", "mail_outboundemail",
        "axes_accessattempt", "axes_accesslog", "marketing_subscriber",
        "privacy_breachnotification", "marketing_suppression", "django_admin_log",
    } <= tables, tables  # fmt: skip
    assert {"marketing_surveyresponse", "privacy_ticketmessage"} <= {
        table for table, _ in where_found(LAST)
    }


def test_after_erasure_email_and_name_remain_only_where_the_law_keeps_them(busy_shopper):
    client, user = busy_shopper
    response = client.post("/privacy/my-data/delete/", {"confirm": "DELETE"}, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200, response.content

    assert where_found(EMAIL) == KEPT_BY_LAW
    assert where_found(LAST) == set()
    assert where_found(FIRST) <= KEPT_BY_LAW  # the address begins with the first name
    # What is kept is kept: the order's numbers, and the opt-out.
    order = Order.objects.get(number="SS-ERASE-1")
    assert (order.total, order.ship_state, order.ship_postal_code) == (
        Decimal("20.00"),
        "TX",
        "78701",
    )
    assert Suppression.objects.filter(email=EMAIL).exists()
    # Pseudonymised, not lost: proof that the breach notice went to this address, and the
    # send log of every email, can still be matched by staff who are given the address.
    pseudonym = email_pseudonym(EMAIL)
    assert BreachNotification.objects.filter(email=pseudonym).count() == 1
    assert set(OutboundEmail.objects.filter(to=pseudonym).values_list("dedupe_key", flat=True)) >= {
        f"order:{order.pk}:confirmation",
        f"order:{order.pk}:shipped",
    }
