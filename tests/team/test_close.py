"""The team month close: override lines that explain themselves, idempotent reruns,
refund reversals the month after, compression, the personal-order cap, ranks and the
rank email; and (hypothesis) the ledger against a plain reference calculation."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retailers.earnings.models import CommissionEntry
from retailers.models import Retailer
from retailers.team.close import team_month_close
from retailers.team.models import MonthClose, Standing, TeamPlan
from shopsocial.mail.models import OutboundEmail

from .conftest import NOV as IN_NOV
from .conftest import member, plan_make, sale

IN_DEC = IN_NOV.replace(month=12)

pytestmark = pytest.mark.django_db
NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)
Entry = CommissionEntry


def overrides():
    """(paid to, kind of line, base, amount, note); an override line's key is
    `override:g<generation>:<month>:s<seller>`, shown here as `override:g<generation>`."""
    rows = (
        Entry.objects.filter(kind__in=["override", "override_reversal"])
        .order_by("pk")
        .values_list("retailer__display_name", "key", "base", "amount", "note", "kind")
    )
    return [
        (name, ":".join(key.split(":")[:2]) if kind == "override" else key, base, amount, note)
        for name, key, base, amount, note, kind in rows
    ]


def test_override_lines_by_generation_explain_themselves(team_plan):
    jane = member("Jane")
    kim = member("Kim", jane)
    lou = member("Lou", kim)
    sale(jane, "150.00")
    sale(kim, "150.00")
    sale(lou, "1240.00")
    team_month_close(month=NOV)
    lines = [r for r in overrides() if r[2] == Decimal("1240.00")]
    # One line per downline member per generation per month (not per order), no order.
    keys = set(
        Entry.objects.filter(kind="override", base=Decimal("1240.00")).values_list("key", "order")
    )
    assert keys == {
        (f"override:g1:2026-11:s{lou.pk}", None),
        (f"override:g2:2026-11:s{lou.pk}", None),
    }
    assert lines == [
        (
            "Kim",
            "override:g1",
            Decimal("1240.00"),
            Decimal("62.00"),
            "Generation 1 override on Lou's team sales, 5 % of $1,240.00",
        ),
        (
            "Jane",
            "override:g2",
            Decimal("1240.00"),
            Decimal("37.20"),
            "Generation 2 override on Lou's team sales, 3 % of $1,240.00",
        ),
    ]


def test_a_rerun_changes_nothing(team_plan):
    jane = member("Jane")
    kim = member("Kim", jane)
    sale(jane, "200.00")
    sale(kim, "300.00")
    first = team_month_close(month=NOV)
    before = (overrides(), list(Standing.objects.values_list()), OutboundEmail.objects.count())
    again = team_month_close(month=NOV)
    assert again.pk == first.pk
    assert MonthClose.objects.count() == 1
    after = (overrides(), list(Standing.objects.values_list()), OutboundEmail.objects.count())
    assert after == before
    assert first.override_total == Decimal("15.00")


def test_refund_after_close_reverses_the_override_next_month(team_plan):
    jane = member("Jane")
    kim = member("Kim", jane)
    sale(jane, "200.00")
    order = sale(kim, "300.00")
    team_month_close(month=NOV)
    order.refunded_amount = Decimal("100.00")
    order.total = Decimal("300.00")
    order.save(update_fields=["refunded_amount", "total"])
    team_month_close(month=DEC)
    reversal = Entry.objects.get(kind="override_reversal")
    assert (reversal.retailer_id, reversal.amount, reversal.key) == (
        jane.pk,
        Decimal("-5.00"),
        "override:g1:refund:100.00",
    )
    assert "override reversed" in reversal.note
    # The sponsor sees Kim's name and amounts, never the order's number.
    assert reversal.order_label == "Another storefront"
    assert order.number not in reversal.note and order.email not in reversal.note
    # The November line is untouched (append-only): the net is the sum.
    assert Entry.objects.get(kind="override").amount == Decimal("15.00")


def test_compression_skips_an_inactive_upline_and_without_it_the_generation_is_lost(company):
    plan_make()
    jane = member("Jane")
    idle = member("Idle", jane)  # sells nothing: inactive
    lou = member("Lou", idle)
    sale(jane, "200.00")
    sale(lou, "1000.00")
    team_month_close(month=NOV)
    assert [(r[0], r[1], r[3]) for r in overrides()] == [("Jane", "override:g1", Decimal("50.00"))]
    # The same tree under a plan without compression, another month.
    plan_make(compression=False, effective="2026-12-01")
    sale(jane, "200.00", at=IN_DEC)
    sale(lou, "1000.00", at=IN_DEC)
    team_month_close(month=DEC)
    december = overrides()[1:]
    assert [(r[0], r[1], r[3]) for r in december] == [("Jane", "override:g2", Decimal("30.00"))]


def test_personal_orders_count_only_up_to_the_monthly_cap(team_plan, settings):
    settings.TEAM_PERSONAL_VOLUME_CAP = "300.00"
    jane = member("Jane")
    kim = member("Kim", jane, email="kim@example.com")
    sale(jane, "200.00")
    sale(kim, "250.00", email="kim@example.com")
    sale(kim, "250.00", email="KIM@example.com")  # over the cap: 50.00 counts
    sale(kim, "40.00")  # a customer's order counts in full
    team_month_close(month=NOV)
    assert Standing.objects.get(retailer=kim).personal_volume == Decimal("340.00")
    # One line on Kim's month: 250.00 + 50.00 (capped) + 40.00.
    assert [(r[2], r[3]) for r in overrides()] == [(Decimal("340.00"), Decimal("17.00"))]


def test_ranks_set_the_level_and_advancement_is_emailed_once(company, mailoutbox):
    plan_make(ranks=((0, "Retailer", "0", "0", 0, 1), (1, "Senior", "100", "500", 1, 3)))
    jane = member("Jane")
    kim = member("Kim", jane)
    sale(jane, "150.00")
    sale(kim, "400.00")
    team_month_close(month=NOV)
    standing = Standing.objects.get(retailer=jane)
    assert (standing.rank_name, standing.group_volume, standing.qualified_legs) == (
        "Senior",
        Decimal("550.00"),
        1,
    )
    assert Retailer.objects.get(pk=jane.pk).level == "senior"
    assert Standing.objects.get(retailer=kim).rank_name == "Retailer"
    emails = OutboundEmail.objects.filter(template="team_rank_advanced")
    assert [e.to for e in emails] == [jane.email]
    # The outbox's redispatch job sends it (rows written by the close in one statement).
    from datetime import timedelta

    from shopsocial.mail.services import email_redispatch_pending

    email_redispatch_pending(older_than=timedelta(0))
    assert [(m.to, "Senior" in m.body) for m in mailoutbox] == [([jane.email], True)]
    team_month_close(month=NOV)
    assert OutboundEmail.objects.filter(template="team_rank_advanced").count() == 1


def test_a_rank_is_kept_for_the_plans_months(company):
    plan_make(kept=1, ranks=((0, "Retailer", "0", "0", 0, 1), (1, "Senior", "100", "0", 0, 3)))
    jane = member("Jane")
    sale(jane, "150.00")
    team_month_close(month=NOV)
    team_month_close(month=DEC)  # no sales in December
    december = Standing.objects.get(retailer=jane, month=DEC)
    assert (december.earned_rank, december.paid_rank, december.rank_name) == (0, 1, "Senior")


def test_zero_generations_is_a_single_level_plan(company):
    plan_make(rates=())
    jane = member("Jane")
    kim = member("Kim", jane)
    sale(jane, "500.00")
    sale(kim, "500.00")
    team_month_close(month=NOV)
    assert overrides() == []


# --- The ledger against a plain reference calculation ------------------------------

RATES = (Decimal("5"), Decimal("3"), Decimal("2"))
ACTIVE = Decimal("100")


def reference(
    parents: list[int | None], volumes: list[list[int]], compression: bool
) -> dict[int, Decimal]:
    """Override pay per member: one line per seller per generation on the seller's month
    (in cents here), rounded once; walk up from each seller; an inactive upline is
    skipped (compression) or uses up its generation unpaid."""
    pay = {i: Decimal("0.00") for i in range(len(parents))}
    personal = [Decimal(sum(v)) / 100 for v in volumes]
    for seller in range(len(parents)):
        if personal[seller] <= 0:
            continue
        upline, generation = parents[seller], 1
        while upline is not None and generation <= len(RATES):
            if personal[upline] >= ACTIVE:
                share = personal[seller] * RATES[generation - 1] / 100
                pay[upline] += share.quantize(Decimal("0.01"), ROUND_HALF_UP)
                generation += 1
            elif not compression:
                generation += 1
            upline = parents[upline]
    return pay


@st.composite
def trees(draw):
    size = draw(st.integers(min_value=1, max_value=9))
    parents = [None]
    for i in range(1, size):
        parents.append(draw(st.one_of(st.none(), st.integers(min_value=0, max_value=i - 1))))
    volumes = [
        draw(st.lists(st.integers(min_value=1, max_value=40_000), max_size=3)) for _ in range(size)
    ]
    return parents, volumes, draw(st.booleans())


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tree=trees())
def test_ledger_equals_the_reference_on_random_trees(team_plan, django_db_blocker, tree):
    from django.db import transaction

    parents, volumes, compression = tree
    try:
        with transaction.atomic():
            TeamPlan.objects.filter(pk=team_plan.pk).update(compression=compression)
            people = []
            for i, parent in enumerate(parents):
                people.append(member(f"M{i}", people[parent] if parent is not None else None))
            for person, sales in zip(people, volumes, strict=True):
                for amount in sales:
                    sale(person, f"{Decimal(amount) / 100:.2f}")
            team_month_close(month=NOV)
            expected = reference(parents, volumes, compression)
            for i, person in enumerate(people):
                got = sum(
                    Entry.objects.filter(retailer=person, kind="override").values_list(
                        "amount", flat=True
                    ),
                    Decimal("0.00"),
                )
                assert got == expected[i], (i, parents, volumes)
            raise _Rollback
    except _Rollback:
        pass


class _Rollback(Exception):
    pass


def test_a_starter_kit_counts_for_no_ones_volume_and_earns_no_override(team_plan):
    from unittest import mock

    from retailers.team.services import starter_kit_seed_demo
    from storefront.models import Product
    from tests.factories import CategoryFactory, OrderFactory, ProductFactory

    starter_kit_seed_demo()
    kit = Product.objects.get(sku="KIT-START")
    candle = ProductFactory(
        sku="TEAM-CANDLE", category=CategoryFactory(slug="team-candles"), price=Decimal("51.00")
    )
    jane = member("Jane")
    kim = member("Kim", jane)
    sale(jane, "200.00")
    kit_only = OrderFactory(subtotal=Decimal("49.00"), lines=[(kit, 1)])
    mixed = OrderFactory(subtotal=Decimal("100.00"), lines=[(kit, 1), (candle, 1)])
    with mock.patch("django.utils.timezone.now", return_value=IN_NOV):
        for order in (kit_only, mixed):
            Entry.objects.create(
                retailer=kim, order=order, kind="accrual", key="paid", base=order.subtotal, amount=0
            )
    team_month_close(month=NOV)
    assert Standing.objects.get(retailer=kim).personal_volume == Decimal("51.00")
    assert [(r[0], r[2], r[3]) for r in overrides()] == [
        ("Jane", Decimal("51.00"), Decimal("2.55"))
    ]


def test_gift_cards_count_for_no_ones_volume_and_earn_no_override(team_plan):
    """A gift card is a payment bought, not a product sold: an order of a $50 card and a
    $51 candle with $10.20 off the candle (a discount never applies to the card) counts
    the candle's $40.80 only."""
    from unittest import mock

    from orders.giftcards.models import GiftCardProduct
    from tests.factories import CategoryFactory, OrderFactory, ProductFactory

    card = ProductFactory(sku="GIFT-50", price=Decimal("50.00"))
    GiftCardProduct.objects.create(product=card)
    candle = ProductFactory(
        sku="GC-CANDLE", category=CategoryFactory(slug="gc-candles"), price=Decimal("51.00")
    )
    jane = member("Jane")
    kim = member("Kim", jane)
    sale(jane, "200.00")
    cards_only = OrderFactory(subtotal=Decimal("50.00"), lines=[(card, 1)])
    mixed = OrderFactory(subtotal=Decimal("101.00"), lines=[(card, 1), (candle, 1)])
    with mock.patch("django.utils.timezone.now", return_value=IN_NOV):
        for order, base in ((cards_only, "50.00"), (mixed, "90.80")):
            Entry.objects.create(
                retailer=kim, order=order, kind="accrual", key="paid", base=Decimal(base), amount=0
            )
    team_month_close(month=NOV)
    assert Standing.objects.get(retailer=kim).personal_volume == Decimal("40.80")
    assert [(r[0], r[2], r[3]) for r in overrides()] == [
        ("Jane", Decimal("40.80"), Decimal("2.04"))
    ]


def test_the_beat_task_runs_the_one_month_close_once(team_plan):
    from django.conf import settings as django_settings

    from retailers.earnings.close import month_previous
    from retailers.earnings.tasks import month_close_previous_task

    tasks = {e["task"] for e in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "earnings.month_close_previous_task" in tasks
    assert not any(t.startswith("team.") for t in tasks)  # no separate team close
    last = month_previous(date.today())
    month_close_previous_task()
    month_close_previous_task()
    assert list(MonthClose.objects.values_list("month", flat=True)) == [last]


def test_the_earnings_close_runs_the_team_close_and_a_rerun_changes_nothing(team_plan):
    from django.core.management import call_command

    from retailers.earnings.close import earnings_month_close

    jane = member("Jane")
    kim = member("Kim", jane)
    sale(jane, "200.00")
    sale(kim, "300.00")
    earnings_month_close(month=NOV)
    first = (overrides(), list(Standing.objects.values_list()), OutboundEmail.objects.count())
    assert [(r[0], r[3]) for r in first[0]] == [("Jane", Decimal("15.00"))]
    earnings_month_close(month=NOV)
    call_command("earnings_close", "2026-11")
    call_command("team_close", "2026-11")  # the alias: the same close
    again = (overrides(), list(Standing.objects.values_list()), OutboundEmail.objects.count())
    assert again == first
    assert MonthClose.objects.count() == 1


def test_a_move_recalculates_nothing_already_in_the_ledger(team_plan):
    from django.contrib.auth.models import Group

    from retailers.team.models import TeamMember
    from retailers.team.services import team_member_move
    from tests.factories import UserFactory

    jane, zed = member("Jane"), member("Zed")
    kim = member("Kim", jane)
    sale(jane, "200.00")
    sale(zed, "200.00")
    sale(kim, "100.00")
    team_month_close(month=NOV)
    before = overrides()
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name="Compliance"))
    staff = type(staff).objects.get(pk=staff.pk)
    team_member_move(
        member=TeamMember.objects.get(pk=kim.pk), to_sponsor=zed, reason="Ticket 7", actor=staff
    )
    assert overrides() == before  # November stays Jane's
    sale(jane, "200.00", at=IN_DEC)
    sale(zed, "200.00", at=IN_DEC)
    sale(kim, "100.00", at=IN_DEC)
    team_month_close(month=DEC)
    assert [(r[0], r[1], r[3]) for r in overrides()[len(before) :]] == [
        ("Zed", "override:g1", Decimal("5.00"))
    ]
