"""After a full checkout, no card number appears in the database, the logs or any email."""

from __future__ import annotations

import logging
import re
from decimal import Decimal

import pytest
from django.db import connection
from stdnum import luhn

from orders.models import Order
from orders.services import order_refund, order_ship
from tests.conftest import ALICE_HOST, COMPANY_HOST

from .conftest import CHECKOUT_FORM, cart_fill, checkout_post

pytestmark = pytest.mark.django_db

CARD = "4242 4242 4242 4242"
# 13-19 digits, optionally grouped by spaces or dashes (not the decimals of a float).
CARD_PATTERN = re.compile(r"(?<![\d.])(?:\d[ -]?){12,18}\d(?![\d.])")


# Celery task ids in the log: their dash-separated digit runs (e.g. "5658-4217-8998-9")
# pass the Luhn check one time in ten.
UUID_PATTERN = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)


def card_numbers_in(text: str) -> list[str]:
    text = UUID_PATTERN.sub("<uuid>", text)
    return [m for m in CARD_PATTERN.findall(text) if luhn.is_valid(re.sub(r"\D", "", m))]


def database_text() -> str:
    """Every row of every table in the public and storefront schemas, as text."""
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN "
            "('pg_catalog', 'information_schema')"
        )
        for schema, table in cursor.fetchall():
            cursor.execute(f'SELECT t::text FROM "{schema}"."{table}" AS t')
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks)


def test_the_scanner_finds_a_card_number():
    assert card_numbers_in(f"note: {CARD}") == [CARD]
    assert card_numbers_in(f"card={CARD.replace(' ', '')}.") == []  # a float-like tail
    assert card_numbers_in(f"card={CARD.replace(' ', '-')}") == [CARD.replace(" ", "-")]
    assert card_numbers_in("order 4793 usd, phone 555-010-2030, took 0.009846185000014884s") == []


def test_no_card_number_anywhere_after_a_full_checkout(
    client, alice, candle, django_capture_on_commit_callbacks, mailoutbox, caplog
):
    caplog.set_level(logging.DEBUG)
    cart_fill(client, {candle: 2})
    # A confused browser (or autofill) posts card fields we never asked for.
    data = {**CHECKOUT_FORM, "card_number": CARD, "cc-number": CARD, "cvc": "123"}
    with django_capture_on_commit_callbacks(execute=True):
        response = checkout_post(client, data)
    pay_path = response["Location"].removeprefix(f"http://{COMPANY_HOST}")
    with django_capture_on_commit_callbacks(execute=True):
        paid = client.post(
            pay_path + "submit/", {"decision": "pay", "card": CARD}, HTTP_HOST=COMPANY_HOST
        )
    with django_capture_on_commit_callbacks(execute=True):
        client.get(paid["Location"].removeprefix(f"http://{ALICE_HOST}"), HTTP_HOST=ALICE_HOST)
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        order_ship(order_id=order.pk, carrier="UPS", tracking_number="1Z999AA1", actor="staff:1")
        order_refund(order_id=order.pk, amount=Decimal("5.00"), actor="staff:1")
    assert Order.objects.get().status == Order.Status.PARTIALLY_REFUNDED
    assert len(mailoutbox) == 3

    assert card_numbers_in(database_text()) == []
    assert card_numbers_in(caplog.text) == []
    for message in mailoutbox:
        # What the message says (the MIME boundary and Message-ID are random 19-digit
        # numbers that can pass the Luhn check, so they are left out).
        parts = [message.subject, message.body, message.alternatives[0].content]
        parts += [*message.to, message.from_email, *message.reply_to]
        parts += [f"{k}: {v}" for k, v in message.extra_headers.items()]
        assert card_numbers_in("\n".join(parts)) == []
