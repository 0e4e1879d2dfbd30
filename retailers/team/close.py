"""The team's month close: volumes, ranks, overrides and refund reversals, once per month.

`team_month_close(month=...)` is the hook the earnings month close calls (and the
`team_close` command, for a month closed by hand). One transaction; a `MonthClose` row
per month makes a rerun a no-op, and every ledger line is also unique by (order, key)
in the database, so nothing can be written twice.

The rules (`plan_apply`) are a pure function over plain data so that tests can hold them
against a separate reference calculation:

- Volume is product sales only: the commission base (merchandise after discount) of the
  paid orders credited to a retailer this month (the ledger's accruals), less the share
  of starter kits (`TEAM_STARTER_KIT_CATEGORY`: counts for no one). A retailer's own
  orders (their account or email) count up to `TEAM_PERSONAL_VOLUME_CAP` a month.
- Active: personal volume at least the plan's `active_volume` (and not suspended).
- Group volume: own volume plus the whole downline's.
- Qualified legs: active frontline members. Titled legs: frontline members whose own
  leg holds someone who earned at least the rank's `titled_rank` this month.
- Rank earned: the highest whose rules are all met; rank paid: the highest earned in
  this month or the plan's `rank_kept_months` before it.
- Overrides: each order's volume pays the credited retailer's upline, generation by
  generation, at the plan's rate, if the upline is active and their paid rank is paid
  that many generations. With compression an inactive upline is skipped (the generation
  passes up); without, the generation is used up unpaid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from ..earnings import rules
from ..earnings.models import CommissionEntry
from ..models import Retailer
from .models import MonthClose, Rank, Standing, TeamPlan
from .selectors import month_bounds, plan_for_month

Entry = CommissionEntry
ZERO = Decimal("0.00")


def month_add(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


# --- The rules, on plain data -------------------------------------------------------


@dataclass(frozen=True)
class RankRule:
    order: int
    name: str
    level: str
    personal_volume: Decimal
    group_volume: Decimal
    qualified_legs: int
    titled_legs: int
    titled_rank: int | None
    paid_generations: int


@dataclass(frozen=True)
class PlanRules:
    active_volume: Decimal
    compression: bool
    rates: dict[int, Decimal]  # generation -> %
    ranks: tuple[RankRule, ...]  # by order, lowest first


@dataclass(frozen=True)
class Sale:
    order_id: int
    retailer_id: int
    volume: Decimal


@dataclass(frozen=True)
class OverrideLine:
    order_id: int
    retailer_id: int  # who is paid
    seller_id: int
    generation: int
    rate: Decimal
    volume: Decimal

    @property
    def amount(self) -> Decimal:
        return rules.cents(self.volume * self.rate / rules.HUNDRED)


@dataclass
class Result:
    personal: dict[int, Decimal] = field(default_factory=dict)
    group: dict[int, Decimal] = field(default_factory=dict)
    legs: dict[int, int] = field(default_factory=dict)
    active: dict[int, bool] = field(default_factory=dict)
    earned: dict[int, int] = field(default_factory=dict)
    paid: dict[int, int] = field(default_factory=dict)
    lines: list[OverrideLine] = field(default_factory=list)


def plan_apply(
    *,
    plan: PlanRules,
    sponsors: dict[int, int | None],
    suspended: set[int],
    sales: Iterable[Sale],
    kept: dict[int, int] | None = None,
) -> Result:
    """Apply the plan to one month, all in memory (ranks, then every override line)."""
    sales = list(sales)
    pv: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for sale in sales:
        pv[sale.retailer_id] += sale.volume
    result = plan_ranks(plan=plan, sponsors=sponsors, suspended=suspended, pv=pv, kept=kept)
    result.lines = list(override_lines(plan=plan, sponsors=sponsors, result=result, sales=sales))
    return result


def plan_ranks(
    *,
    plan: PlanRules,
    sponsors: dict[int, int | None],
    suspended: set[int],
    pv: dict[int, Decimal],
    kept: dict[int, int] | None = None,
) -> Result:
    """Volumes, legs and ranks of one month. `sponsors`: member -> sponsor (None = the
    company); `pv`: personal volume; `kept`: the highest rank each member earned in the
    kept months before this one."""
    kept = kept or {}
    pv = defaultdict(lambda: ZERO, pv)
    result = Result()
    children: dict[int | None, list[int]] = defaultdict(list)
    for member, sponsor in sponsors.items():
        children[sponsor].append(member)
    # Bottom-up without recursion: members ordered so that each comes after its downline.
    order: list[int] = []
    stack = list(children[None])
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(children[node])
    order.reverse()
    best: dict[int, int] = {}  # highest rank earned in the member's own leg (them included)
    for member in order:
        kids = children[member]
        personal = pv[member]
        group = personal + sum((result.group[k] for k in kids), ZERO)
        active = member not in suspended and personal >= plan.active_volume
        legs = sum(1 for k in kids if result.active[k])
        earned = 0
        for rank in plan.ranks:
            titled = (
                sum(1 for k in kids if best[k] >= rank.titled_rank)
                if rank.titled_rank is not None
                else 0
            )
            if (
                personal >= rank.personal_volume
                and group >= rank.group_volume
                and legs >= rank.qualified_legs
                and titled >= rank.titled_legs
            ):
                earned = max(earned, rank.order)
        result.personal[member] = personal
        result.group[member] = group
        result.active[member] = active
        result.legs[member] = legs
        result.earned[member] = earned
        result.paid[member] = max(earned, kept.get(member, 0))
        best[member] = max([earned, *(best[k] for k in kids)])
    return result


def override_lines(
    *, plan: PlanRules, sponsors: dict[int, int | None], result: Result, sales: Iterable[Sale]
) -> Iterator[OverrideLine]:
    """The month's override lines, one sale at a time (a stream: nothing is kept)."""
    generations = {r.order: r.paid_generations for r in plan.ranks}
    depth = max((g for g, rate in plan.rates.items() if rate > 0), default=0)
    for sale in sales:
        if sale.volume <= 0 or depth == 0:
            continue
        upline = sponsors.get(sale.retailer_id)
        generation = 1
        while upline is not None and generation <= depth:
            if not result.active[upline] and plan.compression:
                upline = sponsors.get(upline)
                continue
            rate = plan.rates.get(generation, ZERO)
            paid_deep = generations.get(result.paid[upline], 0) >= generation
            if result.active[upline] and paid_deep and rate > 0:
                yield OverrideLine(
                    order_id=sale.order_id,
                    retailer_id=upline,
                    seller_id=sale.retailer_id,
                    generation=generation,
                    rate=rate,
                    volume=sale.volume,
                )
            generation += 1
            upline = sponsors.get(upline)


def plan_rules(plan: TeamPlan) -> PlanRules:
    ranks = sorted(plan.ranks.all(), key=lambda r: r.order)
    return PlanRules(
        active_volume=plan.active_volume,
        compression=plan.compression,
        rates={g.generation: g.rate for g in plan.generations.all()},
        ranks=tuple(
            RankRule(
                order=r.order,
                name=r.name,
                level=r.level,
                personal_volume=r.personal_volume,
                group_volume=r.group_volume,
                qualified_legs=r.qualified_legs,
                titled_legs=r.titled_legs,
                titled_rank=r.titled_rank,
                paid_generations=r.paid_generations,
            )
            for r in ranks
        ),
    )


# --- Reading the month from the ledger ----------------------------------------------

# Volume = the accrual's base less the starter kit's share of the merchandise.
_SALES_SQL = """
SELECT e.order_id, e.retailer_id,
       CASE WHEN k.kit > 0 AND k.merchandise > 0
            THEN round(e.base * (k.merchandise - k.kit) / k.merchandise, 2)
            ELSE e.base END AS volume,
       (o.customer_id IS NOT NULL AND o.customer_id = r.user_id)
         OR (r.email <> '' AND lower(o.email) = lower(r.email)) AS personal
  FROM earnings_commissionentry e
  JOIN orders_order o ON o.id = e.order_id
  JOIN retailers_retailer r ON r.id = e.retailer_id
  LEFT JOIN LATERAL (
      SELECT coalesce(sum(l.unit_price * l.quantity), 0) AS merchandise,
             coalesce(sum(l.unit_price * l.quantity)
                      FILTER (WHERE c.slug = %s), 0) AS kit
        FROM orders_orderline l
        JOIN storefront_product p ON p.id = l.product_id
        JOIN storefront_category c ON c.id = p.category_id
       WHERE l.order_id = e.order_id
  ) k ON true
 WHERE e.kind = 'accrual' AND e.created_at >= %s AND e.created_at < %s AND e.base > 0
 ORDER BY e.created_at, e.id
"""

_ENSURE_MEMBERS_SQL = """
INSERT INTO team_teammember (retailer_id, path, enrolled_at)
SELECT r.id, '0', r.created_at FROM retailers_retailer r
 WHERE r.kind = 'retailer'
   AND NOT EXISTS (SELECT 1 FROM team_teammember m WHERE m.retailer_id = r.id)
"""


def month_sales(*, month: date, cap: Decimal) -> Iterator[Sale]:
    """The month's volume per order, streamed (a server-side cursor), always in the same
    order; a retailer's own orders count up to `cap` a month."""
    start, end = month_bounds(month)
    used: dict[int, Decimal] = defaultdict(lambda: ZERO)
    with connection.chunked_cursor() as cursor:
        cursor.execute(_SALES_SQL, [settings.TEAM_STARTER_KIT_CATEGORY, start, end])
        while rows := cursor.fetchmany(5000):
            for order_id, retailer_id, base, personal in rows:
                volume = base
                if personal:
                    volume = max(min(base, cap - used[retailer_id]), ZERO)
                    used[retailer_id] += volume
                yield Sale(order_id=order_id, retailer_id=retailer_id, volume=volume)


def _override_note(*, line: OverrideLine, seller_name: str) -> str:
    rate = f"{line.rate.normalize():f}"
    return (
        f"Generation {line.generation} override on {seller_name}'s team sales, "
        f"{rate} % of ${line.volume:,.2f}"
    )[:200]


# --- The close ----------------------------------------------------------------------


@transaction.atomic
def team_month_close(*, month: date, now: datetime | None = None) -> MonthClose:
    """Close `month` for teams (idempotent: a second run returns the first run's row)."""
    month = month.replace(day=1)
    existing = MonthClose.objects.filter(month=month).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    # One close at a time: the row lock on the month's close row is taken by inserting it.
    plan = plan_for_month(month)
    close = MonthClose.objects.create(month=month, plan=plan)
    with connection.cursor() as cursor:
        cursor.execute(_ENSURE_MEMBERS_SQL)
    reversal_total = _refund_reversals(now=now)
    if plan is None:
        close.reversal_total = reversal_total
        close.save(update_fields=["reversal_total"])
        return close
    rules_ = plan_rules(plan)
    cap = Decimal(str(settings.TEAM_PERSONAL_VOLUME_CAP))
    sponsors: dict[int, int | None] = {}
    suspended: set[int] = set()
    for member_id, sponsor_id, status in (
        Retailer.objects.filter(team__isnull=False)
        .values_list("pk", "team__sponsor_id", "status")
        .iterator(chunk_size=5000)
    ):
        sponsors[member_id] = sponsor_id
        if status != Retailer.Status.ACTIVE:
            suspended.add(member_id)
    kept = {}
    if plan.rank_kept_months:
        kept = dict(
            Standing.objects.filter(
                month__gte=month_add(month, -plan.rank_kept_months), month__lt=month
            )
            .values("retailer_id")
            .annotate(best=Max("earned_rank"))
            .values_list("retailer_id", "best")
        )
    # Pass 1: personal volume per retailer; then ranks (memory: a few numbers a retailer).
    pv: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for sale in month_sales(month=month, cap=cap):
        pv[sale.retailer_id] += sale.volume
    result = plan_ranks(plan=rules_, sponsors=sponsors, suspended=suspended, pv=pv, kept=kept)
    _standings_write(month=month, plan=rules_, result=result)
    # Pass 2: the override lines, streamed to the ledger in batches.
    lines = override_lines(
        plan=rules_, sponsors=sponsors, result=result, sales=month_sales(month=month, cap=cap)
    )
    close.override_total = ZERO
    while batch := list(islice(lines, 5000)):
        close.override_total += _overrides_write(lines=batch)
    close.reversal_total = reversal_total
    close.save(update_fields=["override_total", "reversal_total"])
    _levels_apply(plan=rules_, result=result)
    _advancement_emails(month=month, plan=rules_, result=result)
    return close


def _standings_write(*, month: date, plan: PlanRules, result: Result) -> None:
    names = {r.order: r.name for r in plan.ranks}
    rows = (
        Standing(
            retailer_id=member,
            month=month,
            personal_volume=result.personal[member],
            group_volume=result.group[member],
            qualified_legs=result.legs[member],
            active=result.active[member],
            earned_rank=result.earned[member],
            paid_rank=result.paid[member],
            rank_name=names.get(result.paid[member], ""),
        )
        for member in result.personal
    )
    while batch := list(islice(rows, 5000)):
        Standing.objects.bulk_create(batch, ignore_conflicts=True)


def _overrides_write(*, lines: list[OverrideLine]) -> Decimal:
    if not lines:
        return ZERO
    names = dict(
        Retailer.objects.filter(pk__in={line.seller_id for line in lines}).values_list(
            "pk", "display_name"
        )
    )
    accruals = dict(
        Entry.objects.filter(
            order_id__in={line.order_id for line in lines}, key="paid"
        ).values_list("order_id", "available_at")
    )
    entries = [
        Entry(
            retailer_id=line.retailer_id,
            order_id=line.order_id,
            kind=Entry.Kind.OVERRIDE,
            key=f"override:g{line.generation}",
            base=line.volume,
            amount=line.amount,
            note=_override_note(line=line, seller_name=names.get(line.seller_id, "")),
            available_at=accruals.get(line.order_id),
        )
        for line in lines
        if line.amount != 0
    ]
    Entry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
    return sum((e.amount for e in entries), ZERO)


def _refund_reversals(*, now: datetime) -> Decimal:
    """Overrides on orders refunded since: reverse the refunded share (once per amount)."""
    total = ZERO
    overrides = (
        Entry.objects.filter(kind=Entry.Kind.OVERRIDE, order__refunded_amount__gt=0)
        .select_related("order")
        .order_by("order_id", "key")
    )
    for override in overrides.iterator(chunk_size=2000):
        order = override.order
        target = rules.clawback_target(
            accrued=override.amount, refunded=order.refunded_amount, order_total=order.total
        )
        taken = -(
            Entry.objects.filter(
                order=order,
                kind=Entry.Kind.OVERRIDE_REVERSAL,
                key__startswith=f"{override.key}:refund:",
            ).aggregate(s=Sum("amount"))["s"]
            or ZERO
        )
        delta = target - taken
        if delta <= 0:
            continue
        Entry.objects.bulk_create(
            [
                Entry(
                    retailer_id=override.retailer_id,
                    order=order,
                    kind=Entry.Kind.OVERRIDE_REVERSAL,
                    key=f"{override.key}:refund:{order.refunded_amount}",
                    base=ZERO,
                    amount=-delta,
                    note=(
                        f"Generation {override.key.removeprefix('override:g')} override "
                        f"reversed: ${order.refunded_amount:,.2f} of ${order.total:,.2f} refunded"
                    ),
                    available_at=now,
                )
            ],
            ignore_conflicts=True,
        )
        total -= delta
    return total


def _levels_apply(*, plan: PlanRules, result: Result) -> None:
    """The paid rank sets the level the ledger pays personal commission at from now on."""
    levels = {r.order: r.level for r in plan.ranks}
    by_level: dict[str, list[int]] = defaultdict(list)
    for member, paid in result.paid.items():
        by_level[levels.get(paid, "retailer")].append(member)
    for level, ids in by_level.items():
        Retailer.objects.filter(pk__in=ids).exclude(level=level).update(level=level)


def _advancement_emails(*, month: date, plan: PlanRules, result: Result) -> None:
    from .emails import rank_advanced_email_enqueue

    before = dict(
        Standing.objects.filter(month=month_add(month, -1)).values_list("retailer_id", "paid_rank")
    )
    names = {r.order: r.name for r in plan.ranks}
    advanced = [m for m, paid in result.paid.items() if paid > before.get(m, 0)]
    for retailer in Retailer.objects.filter(pk__in=advanced).exclude(email=""):
        rank_advanced_email_enqueue(
            retailer=retailer, month=month, rank_name=names.get(result.paid[retailer.pk], "")
        )


__all__ = ["Rank", "plan_apply", "team_month_close"]
