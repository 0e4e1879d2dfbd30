"""Statements balance: opening + earned − reversed − paid = closing = what is owed.

Property-based (hypothesis) over random ledgers of credits, debits and payouts spread
over months, with timestamps on the month boundaries; and end to end through a payout
run: the statement shows the payout with its rail and date, a balance under the
minimum carries over and the retailer and Finance are told.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from decimal import Decimal
from itertools import count
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retailers.earnings import services
from retailers.earnings.models import CommissionEntry, PayoutBatch, PayoutLine
from retailers.earnings.selectors import (
    earnings_summary,
    owed_to_retailer,
    statement_for_retailer,
    statements_stream,
)
from tests.conftest import COMPANY_HOST

from .conftest import PASSWORD, order_pending, paid_order, product, with_login
from .test_payouts import shipped_and_due

pytestmark = pytest.mark.django_db
D = Decimal
MONTHS = [(2025, m) for m in range(7, 13)]  # July..December 2025
_keys = count(1)

money = st.decimals(min_value=D("0.01"), max_value=D("500.00"), places=2)
# Where in its month a movement falls: the first instant, the middle, the last instant.
when = st.sampled_from(["first", "middle", "last"])
event = st.one_of(
    st.tuples(st.just("credit"), st.integers(0, 5), when, money),
    st.tuples(st.just("debit"), st.integers(0, 5), when, money),
    st.tuples(st.just("payout"), st.integers(0, 5), when, money),
    st.tuples(st.just("held"), st.integers(0, 5), when, money),
)


def _moment(index: int, where: str) -> datetime:
    year, month = MONTHS[index]
    start = timezone.make_aware(datetime.combine(datetime(year, month, 1).date(), time.min))
    end = timezone.make_aware(
        datetime.combine((start.date() + timedelta(days=32)).replace(day=1), time.min)
    )
    return {
        "first": start,
        "middle": start + timedelta(days=14, hours=5),
        "last": end - timedelta(microseconds=1),
    }[where]


def _write(retailer, order, events) -> None:
    for kind, index, where, amount in events:
        at = _moment(index, where)
        with mock.patch("django.utils.timezone.now", return_value=at):
            if kind in ("credit", "debit"):
                CommissionEntry.objects.create(
                    retailer=retailer,
                    order=order,
                    kind="accrual" if kind == "credit" else "refund",
                    key=f"prop:{next(_keys)}",
                    base=D("0"),
                    amount=amount if kind == "credit" else -amount,
                )
            else:
                batch = PayoutBatch.objects.create(
                    period_end=at.date(),
                    minimum=D("25"),
                    rail=PayoutBatch.Rail.ACH,
                    status=PayoutBatch.Status.PAID,
                    paid_at=at,
                )
                PayoutLine.objects.create(
                    batch=batch, retailer=retailer, amount=amount, held=kind == "held"
                )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mine=st.lists(event, max_size=14), theirs=st.lists(event, max_size=4))
def test_every_statement_balances_and_chains_over_random_ledgers(alice, bob, mine, theirs):
    with transaction.atomic():
        order = order_pending(alice, [])
        _write(alice, order, mine)
        _write(bob, order, theirs)  # another retailer's movements never show

        opening = D("0.00")
        for index, (year, month) in enumerate(MONTHS):
            s = statement_for_retailer(retailer=alice, year=year, month=month)
            here = [e for e in mine if e[1] == index]
            earned = sum((a for k, _, _, a in here if k == "credit"), D("0.00"))
            reversed_ = sum((a for k, _, _, a in here if k == "debit"), D("0.00"))
            paid = sum((a for k, _, _, a in here if k == "payout"), D("0.00"))
            assert (s.opening, s.earned, s.reversed, s.paid) == (
                opening,
                earned,
                reversed_,
                paid,
            )
            assert s.closing == s.opening + s.earned - s.reversed - s.paid
            assert [p.rail for p in s.payouts] == ["ACH direct deposit"] * len(s.payouts)
            stream = {rid: (o, c) for rid, o, _, c in statements_stream(year=year, month=month)}
            assert stream.get(alice.pk, (D("0"), D("0"))) == (s.opening, s.closing)
            opening = s.closing

        owed = sum((a if k == "credit" else -a for k, _, _, a in mine if k != "held"), D("0.00"))
        assert opening == owed == owed_to_retailer(retailer=alice)
        assert earnings_summary(retailer=alice).balance == owed
        transaction.set_rollback(True)


def bank(retailer) -> None:
    from retailers.earnings.payout_accounts import payout_account_set

    payout_account_set(
        retailer=retailer,
        actor=retailer.user,
        password=PASSWORD,
        holder_name="Holder",
        routing_number="021000021",
        account_number="12345678",
        account_type="checking",
    )


@pytest.fixture
def finance():
    user = get_user_model().objects.create_user("fin26", "fin26@example.com", "x")
    user.groups.add(Group.objects.get(name="Finance"))
    return user


def test_statement_shows_the_payout_and_closes_at_what_is_owed(
    client, plan, alice, candles, finance, settings, django_capture_on_commit_callbacks
):
    """The issue's case: a statement must not show earned-ever as the closing balance."""
    settings.PAYOUT_RAIL = "ach"
    settings.PAYOUT_ACH_PRENOTES = False
    with_login(alice, "st1")
    bank(alice)
    shipped_and_due(alice, candles, "200.00")  # 40.00, payable
    paid_order(alice, [(product(candles, "24.00"), 1)], email="later@example.com")  # 4.80
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
        services.payout_batch_mark_paid(batch=batch, actor=finance)

    from tests.retailers.conftest import sign_in

    sign_in(client, alice, PASSWORD)
    today = timezone.localdate()
    url = f"/backoffice/earnings/statements/{today:%Y-%m}/"
    page = client.get(url, HTTP_HOST=COMPANY_HOST).content.decode()
    assert 'id="opening">$0.00<' in page
    assert 'id="earned">$44.80<' in page
    assert 'id="reversed">$0.00<' in page
    assert 'id="paid">$40.00<' in page
    assert 'id="closing" class="total">$4.80<' in page
    assert (
        f'<tr class="payout-line"><td data-label="Date">{today:%Y-%m-%d}</td>'
        f'<td data-label="Payout">#{batch.pk}</td>'
        '<td data-label="How">ACH direct deposit</td><td data-label="Amount">$40.00</td></tr>'
    ) in page
    rows = list(
        csv.reader(
            io.StringIO(client.get(url + "?format=csv", HTTP_HOST=COMPANY_HOST).content.decode())
        )
    )
    assert rows[-2] == [
        today.isoformat(),
        f"payout #{batch.pk}",
        "Paid (ACH direct deposit)",
        "",
        "-40.00",
        "Paid",
    ]
    assert rows[-1][2:5] == ["Closing balance", "", "4.80"]
    assert owed_to_retailer(retailer=alice) == D("4.80")


def test_a_balance_under_the_minimum_carries_over_and_retailer_and_finance_are_told(
    client, plan, alice, bob, candles, finance, mailoutbox, django_capture_on_commit_callbacks
):
    with_login(alice, "st2")
    with_login(bob, "st3")
    shipped_and_due(alice, candles, "200.00")  # 40.00
    shipped_and_due(bob, candles, "50.00")  # 10.00 < 25.00
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)

    line = PayoutLine.objects.get(batch=batch, retailer=bob)
    assert (line.amount, line.held, line.below_minimum) == (D("10.00"), True, True)
    assert set(
        CommissionEntry.objects.filter(retailer=bob).values_list("status", "payout_line")
    ) == {("payable", None)}
    by_to = {m.to[0]: m for m in mailoutbox}
    assert sorted(by_to) == ["fin26@example.com", "st3@example.com"]
    assert "$10.00" in by_to["st3@example.com"].body and "$25.00" in by_to["st3@example.com"].body
    assert by_to["st3@example.com"].alternatives  # an HTML part too
    finance_mail = by_to["fin26@example.com"]
    assert f"Payout #{batch.pk}: 1 balance under the minimum" in finance_mail.subject
    assert f"{bob.retailer_number}    $10.00" in finance_mail.body

    from tests.retailers.conftest import sign_in

    sign_in(client, bob, PASSWORD)
    today = timezone.localdate()
    page = client.get(
        f"/backoffice/earnings/statements/{today:%Y-%m}/", HTTP_HOST=COMPANY_HOST
    ).content.decode()
    assert 'id="carried-over"' in page and "under the $25.00 payout minimum" in page
    assert 'id="closing" class="total">$10.00<' in page
    summary = client.get("/backoffice/earnings/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert 'id="payout-carried"' in summary and 'id="payout-held"' not in summary

    # The next run where bob reaches the minimum pays the carried balance too.
    shipped_and_due(bob, candles, "100.00")  # +20.00 -> 30.00
    with django_capture_on_commit_callbacks(execute=True):
        second = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    assert PayoutLine.objects.get(batch=second, retailer=bob).amount == D("30.00")
    summary = client.get("/backoffice/earnings/", HTTP_HOST=COMPANY_HOST).content.decode()
    assert 'id="payout-carried"' not in summary


def test_month_close_files_list_the_payout_and_add_up_to_the_closing_balance(
    tmp_path, plan, alice, candles, finance, settings
):
    from retailers.earnings.reports import statements_write_all

    settings.PAYOUT_RAIL = "ach"
    settings.PAYOUT_ACH_PRENOTES = False
    with_login(alice, "st4")
    bank(alice)
    shipped_and_due(alice, candles, "200.00")  # 40.00
    paid_order(alice, [(product(candles, "24.00"), 1)], email="later2@example.com")  # 4.80
    batch = services.payout_batch_create(period_end=timezone.localdate(), actor=finance)
    services.payout_batch_mark_paid(batch=batch, actor=finance)
    today = timezone.localdate()
    statements_write_all(year=today.year, month=today.month, directory=tmp_path)
    path = tmp_path / f"statement-{today:%Y-%m}-{alice.pk}.csv"
    rows = list(csv.reader(path.open()))
    assert rows[-2] == [today.isoformat(), f"payout #{batch.pk}", "paid (ach)", "", "-40.00"]
    assert rows[-1] == ["", "", "closing balance", "", "4.80"]
    assert sum(D(r[4]) for r in rows[1:-1]) == D("4.80")
