"""Team reads: downline, level N, upline chain (ltree + GiST), and the "My team" page.

What a sponsor may see of their team is decided here, once: each member's display name,
Retailer ID, storefront address, rank and volume. Never their customers, orders,
addresses, email, phone or tax ID (`TeamRow` has no such field).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..models import Retailer
from .models import Rank, Standing, TeamCount, TeamEnrolmentMonth, TeamMember, TeamPlan

ZERO = Decimal("0.00")
PAGE_SIZE = 25


def month_start(day: date) -> date:
    return day.replace(day=1)


def downline_bounds(path: str) -> tuple[str, str]:
    """The btree range of a downline: every path after `path` and before `path` with "0"
    added to its last label. Descendants share the labels of `path` and come right after
    it; a label between "12" and "120" would start "12" and go on below "0", and labels
    here are retailer ids (digits)."""
    return path, f"{path}0"


def downline_qs(*, member: TeamMember) -> QuerySet[TeamMember]:
    """The whole downline (not the member): one range of the path btree, in path order."""
    low, high = downline_bounds(member.path)
    return TeamMember.objects.filter(path__gt=low, path__lt=high)


def level_qs(*, member: TeamMember, level: int) -> QuerySet[TeamMember]:
    """Members exactly `level` generations below (1 = personally sponsored)."""
    return TeamMember.objects.filter(
        pk__in=RawSQL(
            "SELECT retailer_id FROM team_teammember WHERE path ~ (%s || '.*{%s}')::lquery",
            (member.path, level),
        )
    )


def upline_chain(*, member: TeamMember) -> list[TeamMember]:
    """Sponsor first, then theirs, up to the top (`path @> member.path`)."""
    ids = [int(label) for label in member.path.split(".")[:-1]]
    by_id = {m.pk: m for m in TeamMember.objects.filter(pk__in=ids).select_related("retailer")}
    return [by_id[i] for i in reversed(ids) if i in by_id]


def plan_for_month(month: date, *, generations: bool = True) -> TeamPlan | None:
    return (
        TeamPlan.objects.filter(effective_month__lte=month_start(month))
        .prefetch_related("ranks", *(["generations"] if generations else []))
        .order_by("-effective_month")
        .first()
    )


@dataclass(frozen=True)
class TeamRow:
    """What a sponsor sees of one team member."""

    display_name: str
    retailer_number: str
    storefront_url: str
    level: int
    rank_name: str
    personal_volume: Decimal
    enrolled_at: object


@dataclass(frozen=True)
class UplineContact:
    display_name: str
    retailer_number: str
    legal_name: str
    email: str


@dataclass
class RankProgress:
    next_rank: str
    missing: list[str]


@dataclass
class TeamOverview:
    member: TeamMember
    team_size: int
    frontline: int
    new_this_month: int
    personal_volume: Decimal
    group_volume: Decimal
    group_month: date | None  # the closed month group_volume is from (None: no close yet)
    rank_name: str
    progress: RankProgress | None
    sponsor: UplineContact | None
    rows: list[TeamRow]
    page: int
    pages: int
    level: int | None


def month_volumes(*, retailer_ids: list[int], month: date) -> dict[int, Decimal]:
    """Personal volume this month so far, live from the ledger (what the close will count,
    before the personal-order cap)."""

    start, end = month_bounds(month)
    from ..earnings.models import CommissionEntry

    rows = (
        CommissionEntry.objects.filter(
            retailer_id__in=retailer_ids,
            kind=CommissionEntry.Kind.ACCRUAL,
            created_at__gte=start,
            created_at__lt=end,
        )
        .values("retailer_id")
        .annotate(v=Sum("base"))
        .order_by()
    )
    return {r["retailer_id"]: r["v"] for r in rows}


def _progress(*, plan: TeamPlan | None, rank_order: int, pv: Decimal, gv: Decimal, legs: int = 0):
    if plan is None:
        return None
    higher = [r for r in plan.ranks.all() if r.order > rank_order]
    if not higher:
        return None
    nxt: Rank = min(higher, key=lambda r: r.order)
    missing = []
    if pv < nxt.personal_volume:
        missing.append(f"${nxt.personal_volume - pv:,.2f} of personal volume")
    if gv < nxt.group_volume:
        missing.append(f"${nxt.group_volume - gv:,.2f} of group volume")
    if legs < nxt.qualified_legs:
        more = nxt.qualified_legs - legs
        missing.append(f"{more} more qualified leg{'s' if more > 1 else ''}")
    return RankProgress(next_rank=nxt.name, missing=missing)


def team_overview_for_retailer(
    *,
    retailer: Retailer,
    member: TeamMember | None = None,
    page: int = 1,
    level: int | None = None,
    today: date | None = None,
) -> TeamOverview:
    """The signed-in retailer's team: only ever their own downline.

    The retailer's place exists (the view calls `team_member_ensure` first and passes it)."""
    if member is None or member.pk != retailer.pk:
        member = TeamMember.objects.get(retailer=retailer)
    today = today or timezone.localdate()
    month = month_start(today)
    team_size, new_this_month, frontline = _team_counts(member=member, month=month)
    downline = downline_qs(member=member)
    listing = level_qs(member=member, level=level) if level else downline
    listed = team_size if level is None else listing.count()
    pages = max(1, -(-listed // PAGE_SIZE))
    page = min(max(page, 1), pages)
    # The page's ids first (an index-only scan of the path btree, in order), then their rows.
    ids = list(
        listing.order_by("path").values_list("pk", flat=True)[
            (page - 1) * PAGE_SIZE : page * PAGE_SIZE
        ]
    )
    members = list(
        TeamMember.objects.filter(pk__in=ids).select_related("retailer").order_by("path")
    )
    ids = [m.pk for m in members]
    volumes = month_volumes(retailer_ids=[*ids, retailer.pk], month=month)
    last = _last_standings(retailer_ids=[*ids, retailer.pk])
    rows = [
        TeamRow(
            display_name=m.retailer.display_name,
            retailer_number=m.retailer.retailer_number or "",
            storefront_url=m.retailer.storefront_url(),
            level=m.depth - member.depth,
            rank_name=last[m.pk].rank_name if m.pk in last else "",
            personal_volume=volumes.get(m.pk, ZERO),
            enrolled_at=m.enrolled_at,
        )
        for m in members
    ]
    pv = volumes.get(retailer.pk, ZERO)
    mine = last.get(retailer.pk)
    # Group volume is the last close's (stored per retailer): a live sum over a large
    # downline's ledger would cost the page what the close already computed.
    gv = mine.group_volume if mine else ZERO
    plan = plan_for_month(month, generations=False)
    sponsor = None
    if member.sponsor_id:
        s = Retailer.objects.get(pk=member.sponsor_id)
        sponsor = UplineContact(s.display_name, s.retailer_number or "", s.legal_name, s.email)
    return TeamOverview(
        member=member,
        team_size=team_size,
        frontline=frontline,
        new_this_month=new_this_month,
        personal_volume=pv,
        group_volume=gv,
        group_month=mine.month if mine else None,
        rank_name=mine.rank_name if mine else "",
        progress=_progress(
            plan=plan,
            rank_order=mine.paid_rank if mine else 0,
            pv=pv,
            gv=gv,
            legs=mine.qualified_legs if mine else 0,
        ),
        sponsor=sponsor,
        rows=rows,
        page=page,
        pages=pages,
        level=level,
    )


def _team_counts(*, member: TeamMember, month: date) -> tuple[int, int, int]:
    """Team size, new this month, personally sponsored: two rows the database keeps
    (`TeamCount`, `TeamEnrolmentMonth`, one query), whatever the size of the downline."""
    joined = TeamEnrolmentMonth.objects.filter(member=member.pk, month=month_start(month))
    row = (
        TeamMember.objects.filter(pk=member.pk)
        .annotate(
            size=Subquery(TeamCount.objects.filter(member=member.pk).values("team_size")),
            front=Subquery(TeamCount.objects.filter(member=member.pk).values("frontline")),
            new=Subquery(joined.values("joined")),
        )
        .values_list("size", "new", "front")
        .first()
    )
    return tuple(value or 0 for value in row) if row else (0, 0, 0)


def team_counts_live(*, member: TeamMember, month: date) -> tuple[int, int, int]:
    """The same three figures counted from the genealogy (the tests' reference)."""
    from django.db import connection

    start, end = month_bounds(month)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE enrolled_at >= %s AND enrolled_at < %s),"
            " count(*) FILTER (WHERE sponsor_id = %s)"
            " FROM team_teammember WHERE path > %s::ltree AND path < %s::ltree",
            [start, end, member.pk, *downline_bounds(member.path)],
        )
        return cursor.fetchone()


def _last_standings(*, retailer_ids: list[int]) -> dict[int, Standing]:
    rows = (
        Standing.objects.filter(retailer_id__in=retailer_ids)
        .order_by("retailer_id", "-month")
        .distinct("retailer_id")
    )
    return {s.retailer_id: s for s in rows}


def overrides_by_generation(*, entries) -> list[dict]:
    """Override lines among ledger `entries`, by generation (keys `override:g<N>[...]`)."""
    from ..earnings.models import CommissionEntry

    kinds = {CommissionEntry.Kind.OVERRIDE, CommissionEntry.Kind.OVERRIDE_REVERSAL}
    out: dict[int, dict] = {}
    for entry in entries:
        if entry.kind not in kinds:
            continue
        generation = int(entry.key.removeprefix("override:g").split(":")[0])
        row = out.setdefault(
            generation, {"generation": generation, "lines": 0, "volume": ZERO, "amount": ZERO}
        )
        row["lines"] += entry.kind == CommissionEntry.Kind.OVERRIDE
        row["volume"] += entry.base
        row["amount"] += entry.amount
    return [out[g] for g in sorted(out)]


def month_bounds(month: date) -> tuple[datetime, datetime]:
    start = month.replace(day=1)
    days = calendar.monthrange(start.year, start.month)[1]
    end = date.fromordinal(start.toordinal() + days)
    tz = timezone.get_current_timezone()
    return (
        datetime(start.year, start.month, 1, tzinfo=tz),
        datetime(end.year, end.month, 1, tzinfo=tz),
    )


def starter_kit_variant():
    """The starter kit for sale (the first variant of the kit category's first product)."""
    from django.conf import settings

    from storefront.models import ProductVariant

    return (
        ProductVariant.objects.filter(
            active=True,
            product__active=True,
            product__category__slug=settings.TEAM_STARTER_KIT_CATEGORY,
        )
        .select_related("product")
        .order_by("product__pk", "pk")
        .first()
    )
