"""The income disclosure statement: a year's earnings by rank, from the ledger.

Each retailer who was in the genealogy during the year is counted once, under the
highest rank paid to them in any month of the year (the entry rank when never ranked).
Earnings are the year's ledger lines (commissions, overrides, refunds and reversals,
net), by the line's date. Per rank: retailers, how many earned anything (> $0), the
share who did, the mean and the median of earnings, the highest.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from statistics import median

from django.db import connection

from shopsocial.csv_safe import csv_writer

from .selectors import month_bounds, plan_for_month

_SQL = """
WITH earned AS (
    SELECT retailer_id, sum(amount) AS total
      FROM earnings_commissionentry
     WHERE created_at >= %(start)s AND created_at < %(end)s
  GROUP BY retailer_id
), ranked AS (
    SELECT retailer_id, max(paid_rank) AS rank
      FROM team_standing
     WHERE month >= %(first)s AND month <= %(last)s
  GROUP BY retailer_id
)
SELECT coalesce(ranked.rank, 0), coalesce(earned.total, 0)
  FROM team_teammember m
  JOIN retailers_retailer r ON r.id = m.retailer_id
  LEFT JOIN earned ON earned.retailer_id = m.retailer_id
  LEFT JOIN ranked ON ranked.retailer_id = m.retailer_id
 WHERE m.enrolled_at < %(end)s
"""

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RankIncome:
    rank: int
    name: str
    retailers: int
    earners: int
    mean: Decimal
    median: Decimal
    highest: Decimal

    @property
    def earners_share(self) -> str:
        return f"{(100 * self.earners / self.retailers):.1f} %" if self.retailers else "—"


def income_disclosure(*, year: int) -> list[RankIncome]:
    start, _ = month_bounds(date(year, 1, 1))
    end, _ = month_bounds(date(year + 1, 1, 1))
    by_rank: dict[int, list[Decimal]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            {"start": start, "end": end, "first": date(year, 1, 1), "last": date(year, 12, 1)},
        )
        for rank, total in cursor:
            by_rank.setdefault(rank, []).append(Decimal(total))
    plan = plan_for_month(date(year, 12, 1))
    names = {r.order: r.name for r in plan.ranks.all()} if plan else {}
    rows = []
    for rank in sorted(set(by_rank) | set(names)):
        totals = by_rank.get(rank, [])
        count = len(totals)
        rows.append(
            RankIncome(
                rank=rank,
                name=names.get(rank, f"Rank {rank}"),
                retailers=count,
                earners=sum(1 for t in totals if t > 0),
                mean=(sum(totals, Decimal(0)) / count).quantize(CENT) if count else Decimal(0),
                median=Decimal(median(totals)).quantize(CENT) if count else Decimal(0),
                highest=max(totals, default=Decimal(0)).quantize(CENT),
            )
        )
    return rows


def income_disclosure_csv(*, rows: list[RankIncome], year: int) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        ["year", "rank", "retailers", "earned_anything", "share", "mean", "median", "highest"]
    )
    for row in rows:
        writer.writerow(
            [
                year,
                row.name,
                row.retailers,
                row.earners,
                row.earners_share,
                row.mean,
                row.median,
                row.highest,
            ]
        )
    return out.getvalue()
