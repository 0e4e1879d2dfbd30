"""The commission ledger: exact to the cent, append-only, never doubled."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from orders.models import Order
from orders.services.fulfilment import order_refund_record, order_ship
from retailers.earnings import rules, services
from retailers.earnings.models import CategoryRate, CommissionEntry, CommissionPlan, LevelRate
from retailers.earnings.selectors import earnings_summary

from .conftest import order_pending, paid_order, pay, product

pytestmark = pytest.mark.django_db
Entry = CommissionEntry


def test_a_paid_order_earns_the_level_rate_on_merchandise_not_shipping(plan, alice, candles):
    order = paid_order(alice, [(product(candles, "40.00"), 2), (product(candles, "20.00"), 1)])

    (entry,) = Entry.objects.filter(order=order)
    assert (entry.retailer, entry.kind, entry.base, entry.amount, entry.status) == (
        alice,
        "accrual",
        Decimal("100.00"),
        Decimal("20.00"),
        "pending",
    )
    assert order.total == Decimal("107.95")  # shipping is in the total, not the base
    assert entry.available_at is None  # the return window starts when it ships


def test_a_category_override_beats_the_level_rate(plan, alice, candles, soaps):
    CategoryRate.objects.create(plan=plan, category=soaps, rate=Decimal("10"))
    order = paid_order(alice, [(product(candles, "50.00"), 1), (product(soaps, "50.00"), 1)])

    assert Entry.objects.get(order=order).amount == Decimal("15.00")  # 10.00 + 5.00


def test_the_retailers_level_picks_the_rate(plan, alice, candles):
    alice.level = "senior"
    alice.save(update_fields=["level"])
    order = paid_order(alice, [(product(candles, "33.33"), 1)])

    assert Entry.objects.get(order=order).amount == Decimal("8.33")  # 25 % of 33.33 = 8.3325


def test_a_plan_change_never_rewrites_what_was_earned(plan, alice, candles):
    first = paid_order(alice, [(product(candles, "100.00"), 1)])
    today = timezone.localdate()
    plan.effective_to = today
    plan.full_clean()
    plan.save()
    new = CommissionPlan.objects.create(name="Richer", effective_from=today)
    LevelRate.objects.create(plan=new, level="retailer", rate=Decimal("30"))
    second = paid_order(alice, [(product(candles, "100.00"), 1)])

    assert Entry.objects.get(order=first).amount == Decimal("20.00")
    assert Entry.objects.get(order=second).amount == Decimal("30.00")


def test_overlapping_plans_are_refused_by_the_form_rule_and_the_database(plan):
    clash = CommissionPlan(name="Clash", effective_from="2024-01-01")
    with pytest.raises(ValidationError, match="overlap"):
        clash.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
    assert CommissionPlan.objects.count() == 1


@pytest.mark.parametrize("rate", ["-1", "100.01"])
def test_rates_outside_0_to_100_percent_are_refused(plan, rate):
    bad = LevelRate(plan=plan, level="director", rate=Decimal(rate))
    with pytest.raises(ValidationError):
        bad.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        bad.save()
    assert not LevelRate.objects.filter(level="director").exists()


def test_duplicate_paid_events_never_double_the_entry(plan, alice, candles):
    order = paid_order(alice, [(product(candles, "100.00"), 1)])
    order.refresh_from_db()
    for _ in range(3):
        services.commission_on_order_transition(order=order, from_status="paid", to_status="paid")

    assert Entry.objects.filter(order=order).count() == 1
    # The database itself refuses a second accrual, whatever the code does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            retailer=alice, order=order, kind="accrual", key="paid", base=1, amount=1
        )


def test_the_ledger_refuses_edits_and_deletes_in_the_database(plan, alice, candles):
    order = paid_order(alice, [(product(candles, "100.00"), 1)])
    entry = Entry.objects.get(order=order)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).update(amount=Decimal("99.00"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.amount == Decimal("20.00")


def test_refunds_claw_back_in_proportion_and_a_full_refund_exactly(plan, alice, candles):
    order = paid_order(alice, [(product(candles, "100.00"), 1)])  # total 107.95, commission 20
    order_ship(order_id=order.pk, carrier="UPS", tracking_number="1Z", actor="test")
    order_refund_record(order_id=order.pk, refunded_total=Decimal("50.00"), actor="test")
    # A late, duplicate event about the same refund changes nothing.
    order_refund_record(order_id=order.pk, refunded_total=Decimal("50.00"), actor="test")
    order_refund_record(order_id=order.pk, refunded_total=Decimal("107.95"), actor="test")

    amounts = list(Entry.objects.filter(order=order).values_list("kind", "amount"))
    assert amounts == [
        ("accrual", Decimal("20.00")),
        ("refund", Decimal("-9.26")),  # 20 × 50 / 107.95 = 9.2635…
        ("refund", Decimal("-10.74")),
    ]
    assert earnings_summary(retailer=alice).balance == Decimal("0.00")


def test_refund_before_shipping_settles_accrual_and_clawback_together(plan, alice, candles):
    order = paid_order(alice, [(product(candles, "100.00"), 1)])
    order_refund_record(order_id=order.pk, refunded_total=order.total, actor="test")

    services.commissions_release_due()
    summary = earnings_summary(retailer=alice)
    assert (summary.pending, summary.payable, summary.balance) == (
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_entries_become_payable_only_after_the_return_window(plan, alice, candles, settings):
    settings.EARNINGS_RETURN_WINDOW_DAYS = 30
    order = paid_order(alice, [(product(candles, "100.00"), 1)])
    order_ship(order_id=order.pk, carrier="UPS", tracking_number="1Z", actor="test")
    entry = Entry.objects.get(order=order)
    assert entry.available_at is not None

    assert services.commissions_release_due(as_of=timezone.now() + timedelta(days=29)) == 0
    assert services.commissions_release_due(as_of=timezone.now() + timedelta(days=31)) == 1
    assert services.commissions_release_due(as_of=timezone.now() + timedelta(days=31)) == 0
    entry.refresh_from_db()
    assert entry.status == "payable"


def test_no_plan_means_no_commission_but_no_error(alice, candles):
    CommissionPlan.objects.all().delete()
    order = paid_order(alice, [(product(candles, "100.00"), 1)])
    assert Entry.objects.get(order=order).amount == Decimal("0.00")


def test_company_site_order_without_protection_earns_nobody(plan, company, candles):
    order = paid_order(company, [(product(candles, "100.00"), 1)])
    assert not Entry.objects.filter(order=order).exists()


def test_reassignment_needs_a_reason_and_moves_the_net_commission(plan, alice, bob, candles):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("fin", "fin@example.com", "x")
    order = paid_order(alice, [(product(candles, "100.00"), 1)])
    order_refund_record(order_id=order.pk, refunded_total=Decimal("53.98"), actor="t")

    with pytest.raises(ValidationError, match="reason"):
        services.commission_reassign(order=order, to_retailer=bob, reason="  ", actor=staff)
    assert Entry.objects.filter(order=order).count() == 2

    services.commission_reassign(order=order, to_retailer=bob, reason="Sponsor", actor=staff)
    alice_net = earnings_summary(retailer=alice).balance
    bob_net = earnings_summary(retailer=bob).balance
    assert (alice_net, bob_net) == (Decimal("0.00"), Decimal("10.00"))
    # A later refund is clawed back from whoever holds the commission now.
    order.refresh_from_db()
    order_refund_record(order_id=order.pk, refunded_total=order.total, actor="t")
    assert earnings_summary(retailer=bob).balance == Decimal("0.00")
    assert earnings_summary(retailer=alice).balance == Decimal("0.00")


def test_rounding_rule_spreads_a_discount_exactly():
    bases = rules.lines_base(
        line_totals=[(Decimal("10.00"), Decimal("20")), (Decimal("20.00"), Decimal("20"))],
        discount=Decimal("10.00"),
    )
    assert [b.base for b in bases] == [Decimal("6.67"), Decimal("13.33")]
    assert sum(b.base for b in bases) == Decimal("20.00")
    assert rules.commission_for(bases) == Decimal("4.00")


def test_pending_order_earns_nothing_until_paid(plan, alice, candles):
    order = order_pending(alice, [(product(candles, "100.00"), 1)])
    assert not Entry.objects.filter(order=order).exists()
    pay(order)
    assert Entry.objects.filter(order=order).count() == 1
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_the_catch_up_job_accrues_paid_orders_the_hook_missed_once(plan, alice, candles):
    order = order_pending(alice, [(product(candles, "100.00"), 1)])
    Order.objects.filter(pk=order.pk).update(status="paid", paid_at=timezone.now())

    assert services.commissions_accrue_missing() == 1
    assert services.commissions_accrue_missing() == 0
    assert Entry.objects.get(order=order).amount == Decimal("20.00")
