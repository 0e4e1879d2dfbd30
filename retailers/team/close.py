"""The team's month close: volumes, ranks, override lines and refund reversals.

`team_month_close(month=...)` runs inside the one month close
(`retailers.earnings.close.earnings_month_close`, which it registers with). One
transaction; a `MonthClose` row per month makes a rerun a no-op, and the ledger's
unique keys make every line impossible to write twice.

Set-based SQL over the `ltree` genealogy: a constant number of statements whatever the
number of retailers or orders (plus one email per retailer who advanced), and nothing of
the tree is held in Python. The rules:

- Volume is product sales only: the commission base (merchandise after discount) of the
  paid orders credited to a retailer this month (the ledger's accruals), less gift cards
  (a payment bought, not a product sold) and the share of starter kits
  (`TEAM_STARTER_KIT_CATEGORY`: counts for no one). A retailer's own
  orders (their account or email) count up to `TEAM_PERSONAL_VOLUME_CAP` a month. Each
  order's volume is kept (`OrderVolume`) for refunds after the close.
- Active: personal volume at least the plan's `active_volume` (and not suspended).
- Group volume: own volume plus the whole downline's (each member's volume added to
  every label of its path).
- Qualified legs: active frontline members. Titled legs: frontline members whose own
  leg holds someone who earned at least the rank's `titled_rank` this month (ranks are
  then worked out level by level from the bottom of the tree, one statement a level).
- Rank earned: the highest whose rules are all met; rank paid: the highest earned in
  this month or the plan's `rank_kept_months` before it.
- Overrides: one line per downline member per generation per month, on that member's
  month volume, paid to the upline at that generation if active and their paid rank is
  paid that many generations. With compression inactive uplines are skipped (the
  generation passes up); without, the generation is used up unpaid.
- Refunds of an order whose month is closed reverse the refunded share of each override
  paid on it, in the next close (append-only: a new negative line).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import MonthClose, Rank, TeamPlan
from .selectors import month_bounds, plan_for_month


def month_add(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


_ENSURE_MEMBERS_SQL = """
INSERT INTO team_teammember (retailer_id, path, enrolled_at)
SELECT r.id, '0', r.created_at FROM retailers_retailer r
 WHERE r.kind = 'retailer'
   AND NOT EXISTS (SELECT 1 FROM team_teammember m WHERE m.retailer_id = r.id)
"""

# Each accrual of the month: its base less the gift cards' lines (no discount ever
# applies to them, orders/totals.py) and less the starter kit's share of the rest; a
# retailer's own orders capped by a running sum (oldest first).
_VOLUMES_SQL = """
WITH acc AS (
    SELECT e.id, e.created_at, e.order_id, e.retailer_id, e.base
      FROM earnings_commissionentry e
     WHERE e.kind = 'accrual' AND e.created_at >= %(start)s AND e.created_at < %(end)s
       AND e.base > 0 AND e.order_id IS NOT NULL
), kit AS (
    SELECT DISTINCT l.order_id
      FROM orders_orderline l
      JOIN storefront_product p ON p.id = l.product_id
      JOIN storefront_category c ON c.id = p.category_id
      LEFT JOIN giftcards_giftcardproduct g ON g.product_id = l.product_id
     WHERE (c.slug = %(kit)s OR g.product_id IS NOT NULL)
       AND l.order_id IN (SELECT order_id FROM acc)
), kit_orders AS (
    SELECT l.order_id, sum(l.unit_price * l.quantity) AS merchandise,
           coalesce(sum(l.unit_price * l.quantity) FILTER (WHERE g.product_id IS NOT NULL), 0)
               AS giftcards,
           coalesce(sum(l.unit_price * l.quantity)
                    FILTER (WHERE c.slug = %(kit)s AND g.product_id IS NULL), 0) AS kit
      FROM orders_orderline l
      JOIN kit k ON k.order_id = l.order_id
      JOIN storefront_product p ON p.id = l.product_id
      JOIN storefront_category c ON c.id = p.category_id
      LEFT JOIN giftcards_giftcardproduct g ON g.product_id = l.product_id
     GROUP BY l.order_id
), sales AS (
    SELECT a.id, a.created_at, a.order_id, a.retailer_id,
           CASE WHEN k.order_id IS NULL THEN a.base
                WHEN k.merchandise - k.giftcards <= 0 THEN 0
                ELSE greatest(round((a.base - k.giftcards) * (k.merchandise - k.giftcards - k.kit)
                                    / (k.merchandise - k.giftcards), 2), 0)
           END AS volume,
           coalesce((o.customer_id IS NOT NULL AND o.customer_id = r.user_id)
                    OR (r.email <> '' AND lower(o.email) = lower(r.email)), false) AS personal
      FROM acc a
      JOIN orders_order o ON o.id = a.order_id
      JOIN retailers_retailer r ON r.id = a.retailer_id
      LEFT JOIN kit_orders k ON k.order_id = a.order_id
), ran AS (
    SELECT s.*, sum(s.volume) OVER (
               PARTITION BY s.retailer_id, s.personal ORDER BY s.created_at, s.id) AS running
      FROM sales s
)
INSERT INTO team_ordervolume (order_id, retailer_id, month, volume)
SELECT order_id, retailer_id, %(month)s,
       CASE WHEN personal THEN greatest(least(volume, %(cap)s - (running - volume)), 0)
            ELSE volume END
  FROM ran
ON CONFLICT (order_id) DO NOTHING
"""

_MEMBERS_SQL = """
DROP TABLE IF EXISTS team_close_m;
CREATE TEMP TABLE team_close_m ON COMMIT DROP AS
SELECT m.retailer_id AS id, m.sponsor_id, nlevel(m.path) AS depth,
       string_to_array(m.path::text, '.')::bigint[] AS labels,
       coalesce(v.pv, 0)::numeric(14, 2) AS pv,
       (r.status = 'active' AND coalesce(v.pv, 0) >= %(active)s) AS active,
       0::numeric(16, 2) AS gv, 0 AS legs, 0 AS earned, 0 AS best, 0 AS kept, 0 AS paid
  FROM team_teammember m
  JOIN retailers_retailer r ON r.id = m.retailer_id
  LEFT JOIN (SELECT retailer_id, sum(volume) AS pv FROM team_ordervolume
              WHERE month = %(month)s GROUP BY retailer_id) v ON v.retailer_id = m.retailer_id;
CREATE UNIQUE INDEX ON team_close_m (id);
CREATE INDEX ON team_close_m (sponsor_id);
ANALYZE team_close_m;
UPDATE team_close_m m SET gv = g.gv
  FROM (SELECT a.id, sum(s.pv) AS gv FROM team_close_m s, unnest(s.labels) AS a(id)
         WHERE s.pv > 0 GROUP BY a.id) g
 WHERE m.id = g.id;
UPDATE team_close_m m SET legs = c.n
  FROM (SELECT sponsor_id, count(*) AS n FROM team_close_m WHERE active AND sponsor_id IS NOT NULL
         GROUP BY sponsor_id) c
 WHERE m.id = c.sponsor_id;
UPDATE team_close_m m SET kept = k.best
  FROM (SELECT retailer_id, max(earned_rank) AS best FROM team_standing
         WHERE month >= %(kept_from)s AND month < %(month)s GROUP BY retailer_id) k
 WHERE m.id = k.retailer_id;
"""

_STANDINGS_SQL = """
INSERT INTO team_standing (retailer_id, month, personal_volume, group_volume, qualified_legs,
                           active, earned_rank, paid_rank, rank_name)
SELECT m.id, %(month)s, m.pv, m.gv, m.legs, m.active, m.earned, m.paid, coalesce(k.name, '')
  FROM team_close_m m LEFT JOIN team_rank k ON k.plan_id = %(plan)s AND k."order" = m.paid
ON CONFLICT DO NOTHING
"""

_LEVELS_SQL = """
UPDATE retailers_retailer r SET level = coalesce(k.level, 'retailer')
  FROM team_close_m m LEFT JOIN team_rank k ON k.plan_id = %(plan)s AND k."order" = m.paid
 WHERE r.id = m.id AND r.level <> coalesce(k.level, 'retailer')
"""

# Every seller's uplines, nearest first (its path's labels backwards); with compression
# the generation counts active uplines only, without it every upline uses one up.
_OVERRIDES_SQL = """
WITH up AS (
    SELECT s.id AS seller, s.pv, u.id AS receiver, u.active, u.paid,
           CASE WHEN %(compression)s
                THEN row_number() OVER (PARTITION BY s.id ORDER BY a.ord DESC)
                ELSE s.depth - a.ord END AS generation
      FROM team_close_m s
     CROSS JOIN LATERAL unnest(s.labels[1:s.depth - 1]) WITH ORDINALITY AS a(id, ord)
      JOIN team_close_m u ON u.id = a.id
     WHERE s.pv > 0 AND s.depth > 1
       AND (u.active OR NOT %(compression)s)
       AND (%(compression)s OR s.depth - a.ord <= %(deepest)s)
), lines AS (
    SELECT up.*, g.rate, round(up.pv * g.rate / 100, 2) AS amount
      FROM up
      JOIN team_generationrate g ON g.plan_id = %(plan)s AND g.generation = up.generation
      JOIN team_rank k ON k.plan_id = %(plan)s AND k."order" = up.paid
     WHERE up.active AND g.rate > 0 AND k.paid_generations >= up.generation
       AND up.generation <= %(deepest)s
), written AS (
    INSERT INTO earnings_commissionentry
        (retailer_id, order_id, kind, key, base, amount, note, created_at, status, available_at)
    SELECT l.receiver, NULL, 'override',
           format('override:g%%s:%%s:s%%s', l.generation, to_char(%(month)s::date, 'YYYY-MM'),
                  l.seller),
           l.pv, l.amount,
           left(format('Generation %%s override on %%s''s team sales, %%s %%%% of $%%s',
                       l.generation, r.display_name, trim_scale(l.rate),
                       to_char(l.pv, 'FM999,999,999,990.00')), 200),
           %(now)s, 'pending', %(now)s
      FROM lines l JOIN retailers_retailer r ON r.id = l.seller
     WHERE l.amount <> 0
    ON CONFLICT DO NOTHING
    RETURNING amount
)
SELECT coalesce(sum(amount), 0) FROM written
"""

# Orders refunded after their month closed: each override paid on their seller's month
# gives back the refunded share of the order's part of it (less what was given back).
_REVERSALS_SQL = """
WITH refunded AS (
    SELECT v.order_id, v.retailer_id AS seller, v.month, v.volume,
           o.refunded_amount, o.total, least(o.refunded_amount / o.total, 1) AS share
      FROM team_ordervolume v JOIN orders_order o ON o.id = v.order_id
     WHERE o.refunded_amount > 0 AND o.total > 0 AND v.volume > 0 AND v.month < %(month)s
), owed AS (
    SELECT f.order_id, f.refunded_amount, f.total, e.retailer_id AS receiver, g.generation,
           r.display_name AS seller_name, g.rate,
           round(f.volume * g.rate / 100 * f.share, 2) AS target
      FROM refunded f
      JOIN team_monthclose c ON c.month = f.month
      JOIN team_generationrate g ON g.plan_id = c.plan_id
      JOIN earnings_commissionentry e ON e.order_id IS NULL AND e.key =
           format('override:g%%s:%%s:s%%s', g.generation, to_char(f.month, 'YYYY-MM'), f.seller)
      JOIN retailers_retailer r ON r.id = f.seller
), due AS (
    SELECT w.*, w.target + coalesce((
               SELECT sum(x.amount) FROM earnings_commissionentry x
                WHERE x.order_id = w.order_id AND x.kind = 'override_reversal'
                  AND x.key LIKE 'override:g' || w.generation || ':refund:%%'), 0) AS delta
      FROM owed w
), written AS (
    INSERT INTO earnings_commissionentry
        (retailer_id, order_id, kind, key, base, amount, note, created_at, status, available_at)
    SELECT d.receiver, d.order_id, 'override_reversal',
           format('override:g%%s:refund:%%s', d.generation, d.refunded_amount),
           0, -d.delta,
           left(format('Generation %%s override reversed: a refund on %%s''s team sales '
                       '($%%s of $%%s), %%s %%%%',
                       d.generation, d.seller_name, to_char(d.refunded_amount, 'FM999,999,990.00'),
                       to_char(d.total, 'FM999,999,990.00'), trim_scale(d.rate)), 200),
           %(now)s, 'pending', %(now)s
      FROM due d WHERE d.delta > 0
    ON CONFLICT DO NOTHING
    RETURNING amount
)
SELECT coalesce(sum(amount), 0) FROM written
"""


def _ranks_sql(ranks: list[Rank]) -> tuple[str, list]:
    """`earned = CASE …` (highest rank first) and its parameters."""
    whens, params = [], []
    for rank in sorted(ranks, key=lambda r: -r.order):
        cond = "m.pv >= %s AND m.gv >= %s AND m.legs >= %s"
        params += [rank.personal_volume, rank.group_volume, rank.qualified_legs]
        if rank.titled_legs:
            cond += (
                " AND (SELECT count(*) FROM team_close_m c"
                " WHERE c.sponsor_id = m.id AND c.best >= %s) >= %s"
            )
            params += [rank.titled_rank, rank.titled_legs]
        whens.append(f"WHEN {cond} THEN {int(rank.order)}")
    if not whens:
        return "0", []
    return f"CASE {' '.join(whens)} ELSE 0 END", params


def _ranks_compute(cursor, *, ranks: list[Rank]) -> None:
    earned, params = _ranks_sql(ranks)
    if not any(r.titled_legs for r in ranks):
        cursor.execute(f"UPDATE team_close_m m SET earned = {earned}", params)  # noqa: S608
    else:
        # Titled legs need the best rank of each leg: one level at a time, bottom up.
        cursor.execute("CREATE INDEX ON team_close_m (depth)")
        cursor.execute("SELECT coalesce(max(depth), 0) FROM team_close_m")
        for depth in range(cursor.fetchone()[0], 0, -1):
            cursor.execute(
                f"UPDATE team_close_m m SET earned = {earned} WHERE m.depth = %s",  # noqa: S608
                [*params, depth],
            )
            cursor.execute(
                "UPDATE team_close_m m SET best = greatest(m.earned, coalesce((SELECT max(c.best)"
                " FROM team_close_m c WHERE c.sponsor_id = m.id), 0)) WHERE m.depth = %s",
                [depth],
            )
    cursor.execute("UPDATE team_close_m SET paid = greatest(earned, kept)")


@transaction.atomic
def team_month_close(*, month: date, now: datetime | None = None) -> MonthClose:
    """Close `month` for teams (idempotent: a second run returns the first run's row)."""
    month = month.replace(day=1)
    existing = MonthClose.objects.filter(month=month).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    plan = plan_for_month(month)
    # One close at a time: a concurrent one waits on this row's unique key, then fails.
    close = MonthClose.objects.create(month=month, plan=plan)
    start, end = month_bounds(month)
    with connection.cursor() as cursor:
        cursor.execute(_ENSURE_MEMBERS_SQL)
        cursor.execute(_REVERSALS_SQL, {"month": month, "now": now})
        close.reversal_total = cursor.fetchone()[0]
        cursor.execute(
            _VOLUMES_SQL,
            {
                "start": start,
                "end": end,
                "month": month,
                "kit": settings.TEAM_STARTER_KIT_CATEGORY,
                "cap": Decimal(str(settings.TEAM_PERSONAL_VOLUME_CAP)),
            },
        )
        if plan is not None:
            close.override_total = _plan_close(cursor, plan=plan, month=month, now=now)
    close.save(update_fields=["override_total", "reversal_total"])
    if plan is not None:
        _advancement_emails(month=month, now=now)
    return close


def _plan_close(cursor, *, plan: TeamPlan, month: date, now: datetime):
    ranks = list(plan.ranks.all())
    deepest = max((g.generation for g in plan.generations.all() if g.rate > 0), default=0)
    cursor.execute(
        _MEMBERS_SQL,
        {
            "month": month,
            "active": plan.active_volume,
            "kept_from": month_add(month, -plan.rank_kept_months),
        },
    )
    _ranks_compute(cursor, ranks=ranks)
    cursor.execute(_STANDINGS_SQL, {"month": month, "plan": plan.pk})
    cursor.execute(_LEVELS_SQL, {"plan": plan.pk})
    cursor.execute(
        _OVERRIDES_SQL,
        {
            "compression": plan.compression,
            "deepest": deepest,
            "plan": plan.pk,
            "month": month,
            "now": now,
        },
    )
    total = cursor.fetchone()[0]
    cursor.execute("DROP TABLE team_close_m")
    return total


_ADVANCED_SQL = """
INSERT INTO {table} (kind, dedupe_key, "to", template, context, headers, status, attempts,
                     last_error, esp_message_id, created_at)
SELECT 'transactional', format('team-rank-%%s-%%s', r.id, to_char(%(month)s::date, 'YYYY-MM')),
       r.email, 'team_rank_advanced',
       jsonb_build_object('display_name', r.display_name, 'rank_name', s.rank_name,
                          'month', %(month_label)s, 'team_url', %(team_url)s),
       '{{}}'::jsonb, 'pending', 0, '', '', %(now)s
  FROM team_standing s JOIN retailers_retailer r ON r.id = s.retailer_id
  LEFT JOIN team_standing p ON p.retailer_id = s.retailer_id AND p.month = %(before)s
 WHERE s.month = %(month)s AND s.paid_rank > coalesce(p.paid_rank, 0) AND r.email <> ''
ON CONFLICT (dedupe_key) DO NOTHING
"""


def _advancement_emails(*, month: date, now: datetime) -> None:
    """One email to each retailer whose paid rank went up, once per month: the outbox rows
    are written in one statement (the same rows `email_enqueue` writes) and sent by the
    mail outbox's redispatch job (`mail.email_redispatch_pending_task`, every minute)."""
    from shopsocial.mail.models import OutboundEmail
    from shopsocial.urls_util import company_reverse

    with connection.cursor() as cursor:
        cursor.execute(
            _ADVANCED_SQL.format(table=OutboundEmail._meta.db_table),
            {
                "month": month,
                "before": month_add(month, -1),
                "month_label": month.strftime("%B %Y"),
                "team_url": company_reverse("retailers:backoffice-team"),
                "now": now,
            },
        )


__all__ = ["month_add", "team_month_close"]
