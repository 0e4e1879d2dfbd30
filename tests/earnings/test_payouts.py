"""Payouts, statements and year-end reporting."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from orders.services.fulfilment import order_ship
from retailers.earnings import services
from retailers.earnings.models import CommissionEntry, PayoutBatch, PayoutLine
from retailers.earnings.selectors import form_1099_recipients, form_1099_threshold
from retailers.models import RetailerAuditEvent
from tests.conftest import COMPANY_HOST

from .conftest import PASSWORD, paid_order, product, with_login

pytestmark = pytest.mark.django_db
Entry = CommissionEntry


def shipped_and_due(retailer, category, price="200.00"):
    # A buyer of this retailer's own (one shared buyer would be protected by the first).
    order = paid_order(
        retailer, [(product(category, price), 1)], email=f"{retailer.slug}-buyer@example.com"
    )
    order_ship(order_id=order.pk, carrier="UPS", tracking_number="1Z", actor="t")
    services.commissions_release_due(as_of=timezone.now() + timedelta(days=31))
    return order


@pytest.fixture
def staff():
    return get_user_model().objects.create_user("finance", "finance@example.com", "x")


def test_a_payout_with_nothing_payable_says_so_and_creates_nothing(plan, alice, candles, staff):
    paid_order(with_login(alice, "a1"), [(product(candles, "200.00"), 1)])  # still pending
    with pytest.raises(services.EarningsError, match="Nothing is payable"):
        services.payout_batch_create(period_end=timezone.localdate(), actor=staff)
    assert PayoutBatch.objects.count() == 0


def test_payout_pays_balances_above_the_minimum_and_emails_statements(
    plan, alice, bob, candles, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with_login(alice, "a2")
    with_login(bob, "b2")
    shipped_and_due(alice, candles, "200.00")  # 40.00 commission
    shipped_and_due(bob, candles, "50.00")  # 10.00: below the 25.00 minimum

    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=staff)
    (line,) = batch.lines.filter(held=False)
    assert (line.retailer, line.amount, line.held) == (alice, Decimal("40.00"), False)
    (carried,) = batch.lines.filter(held=True)  # bob's 10.00 carries over
    assert (carried.retailer, carried.amount, carried.below_minimum) == (bob, Decimal("10"), True)
    rows = list(csv.reader(io.StringIO(services.payout_csv(batch=batch))))
    assert rows[1][0] == alice.retailer_number and rows[1][3] == "40.00"

    with django_capture_on_commit_callbacks(execute=True):
        services.payout_batch_mark_paid(batch=batch, actor=staff)
    assert set(Entry.objects.filter(retailer=alice).values_list("status", flat=True)) == {"paid"}
    assert set(Entry.objects.filter(retailer=bob).values_list("status", flat=True)) == {"payable"}
    (mail,) = mailoutbox
    assert mail.to == ["a2@example.com"] and "$40.00" in mail.subject
    with pytest.raises(services.EarningsError, match="already"):
        services.payout_batch_mark_paid(batch=batch, actor=staff)
    assert len(mailoutbox) == 1


def test_a_retailer_without_a_tax_id_is_held_with_the_reason_shown(
    client, plan, alice, candles, staff
):
    with_login(alice, "a3", ssn=None)
    shipped_and_due(alice, candles)
    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=staff)
    (line,) = batch.lines.all()
    assert line.held and "No SSN or EIN" in line.hold_reason
    assert set(Entry.objects.filter(retailer=alice).values_list("status", flat=True)) == {"payable"}

    from tests.retailers.conftest import sign_in

    sign_in(client, alice, PASSWORD)
    page = client.get("/backoffice/earnings/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert "Your payout is on hold." in page and "No SSN or EIN on file" in page


def test_1099_threshold_is_a_setting_per_year(settings):
    assert form_1099_threshold(2025) == Decimal("600.00")
    assert form_1099_threshold(2026) == Decimal("2000.00")
    assert form_1099_threshold(2031) == Decimal("2000.00")


def test_1099_recipients_and_the_audited_tax_id_export(client, plan, alice, bob, candles, staff):
    with_login(alice, "a4")
    with_login(bob, "b4")
    shipped_and_due(alice, candles, "12000.00")  # 2,400.00 commission
    shipped_and_due(bob, candles, "5000.00")  # 1,000.00: under the 2026 threshold
    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=staff)
    services.payout_batch_mark_paid(batch=batch, actor=staff)
    year = timezone.localdate().year

    assert [(r, t) for r, t in form_1099_recipients(year=year)] == [(alice, Decimal("2400.00"))]

    staff.is_staff = True
    staff.save()
    staff.groups.add(Group.objects.get(name="Finance"))
    client.force_login(staff)
    url = f"/admin/earnings/payoutbatch/year-end/?year={year}"
    masked = client.get(url + "&format=csv", HTTP_HOST=COMPANY_HOST)
    assert masked.status_code == 200 and "***-**-6789" in masked.content.decode()
    assert "123-45-6789" not in masked.content.decode()
    refused = client.post(url, {"format": "csv-tin"}, HTTP_HOST=COMPANY_HOST)
    assert refused.status_code == 403
    assert not RetailerAuditEvent.objects.filter(action="tax_id_revealed").exists()

    staff.groups.add(Group.objects.get(name="Compliance"))
    staff = get_user_model().objects.get(pk=staff.pk)
    client.force_login(staff)
    # The staff member's password again (a re-authentication gate, throttled like sign-in).
    no_password = client.post(url, {"format": "csv-tin"}, HTTP_HOST=COMPANY_HOST)
    assert no_password.status_code == 403 and "123-45-6789" not in no_password.content.decode()
    revealed = client.post(url, {"format": "csv-tin", "password": "x"}, HTTP_HOST=COMPANY_HOST)
    assert revealed.status_code == 200 and "123-45-6789" in revealed.content.decode()
    (audit,) = RetailerAuditEvent.objects.filter(action="tax_id_revealed")
    assert (audit.retailer, audit.actor, audit.detail) == (
        alice,
        staff,
        f"Form 1099-NEC export {year}",
    )


def test_finance_prepares_a_payout_in_the_admin_and_support_cannot(client, plan, alice, candles):
    with_login(alice, "a5")
    shipped_and_due(alice, candles)
    User = get_user_model()
    support = User.objects.create_user("sup", "sup@example.com", "x", is_staff=True)
    support.groups.add(Group.objects.get_or_create(name="Support")[0])
    client.force_login(support)
    data = {"period_end": timezone.localdate().isoformat(), "minimum": ""}
    assert (
        client.post(
            "/admin/earnings/payoutbatch/prepare/", data, HTTP_HOST=COMPANY_HOST
        ).status_code
        == 403
    )
    assert PayoutBatch.objects.count() == 0

    finance = User.objects.create_user("fin5", "fin5@example.com", "x", is_staff=True)
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    response = client.post("/admin/earnings/payoutbatch/prepare/", data, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 302
    assert PayoutLine.objects.get().amount == Decimal("40.00")


def test_statement_balances_and_csv(client, plan, alice, bob, candles):
    with_login(alice, "a6")
    with_login(bob, "b6")
    paid_order(alice, [(product(candles, "100.00"), 1)])
    paid_order(alice, [(product(candles, "50.00"), 1)], email="other@example.com")
    from tests.retailers.conftest import sign_in

    sign_in(client, alice, PASSWORD)
    today = timezone.localdate()
    url = f"/backoffice/earnings/statements/{today:%Y-%m}/"
    page = client.get(url, HTTP_HOST=COMPANY_HOST).content.decode()
    assert 'id="opening">$0.00<' in page and 'id="closing" class="total">$30.00<' in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(url + "?format=csv", HTTP_HOST=COMPANY_HOST).content.decode())
        )
    )
    assert rows[1][2:5] == ["Opening balance", "", "0.00"]
    assert rows[-1][2:5] == ["Closing balance", "", "30.00"]
    assert len(rows) == 5
    summary = client.get("/backoffice/earnings/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert 'id="earn-pending">$30.00<' in summary

    client.post("/backoffice/signout/", HTTP_HOST=COMPANY_HOST)
    sign_in(client, bob, PASSWORD)
    other = client.get(url, HTTP_HOST=COMPANY_HOST).content.decode()
    assert 'id="closing" class="total">$0.00<' in other and "SS-EARN" not in other
