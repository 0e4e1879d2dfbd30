"""Earnings reads. Back-office reads take the signed-in retailer; nothing crosses retailers."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from retailers.models import Retailer

from .models import (
    CommissionEntry,
    ConnectAccount,
    CustomerProtection,
    PayoutBatch,
    PayoutLine,
)

Entry = CommissionEntry
ZERO = Decimal("0.00")
_SUM = Coalesce(
    Sum("amount"), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class EarningsSummary:
    pending: Decimal
    payable: Decimal
    paid: Decimal
    this_month: Decimal
    year_to_date: Decimal
    balance: Decimal


def earnings_summary(*, retailer: Retailer, today: date | None = None) -> EarningsSummary:
    today = today or timezone.localdate()
    month_start = _start_of(today.replace(day=1))
    year_start = _start_of(today.replace(month=1, day=1))
    agg = Entry.objects.filter(retailer=retailer).aggregate(
        pending=Coalesce(Sum("amount", filter=Q(status=Entry.Status.PENDING)), Value(ZERO)),
        payable=Coalesce(Sum("amount", filter=Q(status=Entry.Status.PAYABLE)), Value(ZERO)),
        paid=Coalesce(Sum("amount", filter=Q(status=Entry.Status.PAID)), Value(ZERO)),
        this_month=Coalesce(Sum("amount", filter=Q(created_at__gte=month_start)), Value(ZERO)),
        ytd=Coalesce(Sum("amount", filter=Q(created_at__gte=year_start)), Value(ZERO)),
        balance=Coalesce(Sum("amount"), Value(ZERO)),
    )
    return EarningsSummary(
        pending=agg["pending"],
        payable=agg["payable"],
        paid=agg["paid"],
        this_month=agg["this_month"],
        year_to_date=agg["ytd"],
        # Owed: everything earned net of reversals, less what was paid out.
        balance=agg["balance"] - _paid_lines().filter(retailer=retailer).aggregate(s=_SUM)["s"],
    )


def entries_for_retailer(*, retailer: Retailer) -> QuerySet[CommissionEntry]:
    return (
        Entry.objects.filter(retailer=retailer)
        .select_related("order", "payout_line__batch")
        .order_by("-created_at", "-pk")
    )


def held_payouts_for_retailer(*, retailer: Retailer) -> QuerySet[PayoutLine]:
    """The latest held line (reason shown) unless a later payout has paid the retailer."""
    lines = PayoutLine.objects.filter(retailer=retailer)
    last_paid = lines.filter(held=False).order_by("-batch__created_at").first()
    held = lines.filter(held=True)
    if last_paid is not None:
        held = held.filter(batch__created_at__gt=last_paid.batch.created_at)
    return held.select_related("batch").order_by("-batch__created_at")[:1]


@dataclass(frozen=True)
class StatementPayout:
    """A payout that left in the month (or a balance carried over below the minimum)."""

    batch_id: int
    amount: Decimal
    rail: str
    date: date


@dataclass(frozen=True)
class Statement:
    """closing = opening + earned − reversed − paid: what the company owes at month end.

    `earned` is every credit (commission, reassigned in), `reversed` every debit
    (refund clawbacks, reassigned out), `paid` every payout paid in the month.
    """

    retailer: Retailer
    year: int
    month: int
    opening: Decimal
    entries: list[CommissionEntry]
    earned: Decimal
    reversed: Decimal
    payouts: list[StatementPayout]
    carried_over: list[StatementPayout]
    minimum: Decimal
    closing: Decimal

    @property
    def label(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payouts), ZERO)

    @property
    def movement(self) -> Decimal:
        return self.closing - self.opening


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    if not (1 <= month <= 12 and 2000 <= year <= 2999):
        raise Http404("No such month")
    start = date(year, month, 1)
    end = (start + timedelta(days=32)).replace(day=1)
    return _start_of(start), _start_of(end)


def _paid_lines() -> QuerySet[PayoutLine]:
    """Payout lines whose money has left: not held, in a batch marked paid."""
    return PayoutLine.objects.filter(held=False, batch__status=PayoutBatch.Status.PAID)


def owed_to_retailer(*, retailer: Retailer, before: datetime | None = None) -> Decimal:
    """Everything earned (net of reversals) minus everything paid, up to `before`."""
    entries = Entry.objects.filter(retailer=retailer)
    lines = _paid_lines().filter(retailer=retailer)
    if before is not None:
        entries = entries.filter(created_at__lt=before)
        lines = lines.filter(batch__paid_at__lt=before)
    return entries.aggregate(s=_SUM)["s"] - lines.aggregate(s=_SUM)["s"]


def statement_for_retailer(*, retailer: Retailer, year: int, month: int) -> Statement:
    """The month's statement: opening + earned − reversed − paid = closing (= owed)."""
    start, end = month_bounds(year, month)
    opening = owed_to_retailer(retailer=retailer, before=start)
    entries = list(
        Entry.objects.filter(retailer=retailer, created_at__gte=start, created_at__lt=end)
        .select_related("order")
        .order_by("created_at", "pk")
    )
    earned = sum((e.amount for e in entries if e.amount > 0), ZERO)
    reversed_ = -sum((e.amount for e in entries if e.amount < 0), ZERO)

    def as_payout(line: PayoutLine, day: datetime) -> StatementPayout:
        return StatementPayout(line.batch_id, line.amount, line.batch.get_rail_display(), day)

    payouts = [
        as_payout(line, timezone.localdate(line.batch.paid_at))
        for line in _paid_lines()
        .filter(retailer=retailer, batch__paid_at__gte=start, batch__paid_at__lt=end)
        .select_related("batch")
        .order_by("batch__paid_at", "pk")
    ]
    carried = [
        as_payout(line, timezone.localdate(line.batch.created_at))
        for line in PayoutLine.objects.filter(
            retailer=retailer,
            below_minimum=True,
            batch__created_at__gte=start,
            batch__created_at__lt=end,
        )
        .select_related("batch")
        .order_by("batch__created_at", "pk")
    ]
    paid = sum((p.amount for p in payouts), ZERO)
    closing = opening + earned - reversed_ - paid
    return Statement(
        retailer=retailer,
        year=year,
        month=month,
        opening=opening,
        entries=entries,
        earned=earned,
        reversed=reversed_,
        payouts=payouts,
        carried_over=carried,
        minimum=Decimal(settings.PAYOUT_MINIMUM),
        closing=closing,
    )


def statement_months_for_retailer(*, retailer: Retailer) -> list[date]:
    first = Entry.objects.filter(retailer=retailer).order_by("created_at").first()
    if first is None:
        return []
    start = timezone.localdate(first.created_at).replace(day=1)
    today = timezone.localdate().replace(day=1)
    months = []
    while start <= today:
        months.append(start)
        start = (start + timedelta(days=32)).replace(day=1)
    return list(reversed(months))


_STREAM_SQL = """
SELECT retailer_id,
       COALESCE(SUM(amount) FILTER (WHERE at < %(start)s), 0) AS opening,
       COALESCE(SUM(amount) FILTER (WHERE at >= %(start)s), 0) AS movement
FROM (
    SELECT retailer_id, created_at AS at, amount
    FROM earnings_commissionentry WHERE created_at < %(end)s
    UNION ALL
    SELECT l.retailer_id, b.paid_at, -l.amount
    FROM earnings_payoutline l JOIN earnings_payoutbatch b ON b.id = l.batch_id
    WHERE NOT l.held AND b.status = 'paid' AND b.paid_at < %(end)s
) AS movements
GROUP BY retailer_id
ORDER BY retailer_id
"""


def statements_stream(*, year: int, month: int) -> Iterator[tuple[int, Decimal, Decimal, Decimal]]:
    """Every retailer's (id, opening, movement, closing) for a month, streamed.

    Movement is entries less payouts paid in the month, so closing is what is owed
    (the same sum as `statement_for_retailer`). One query over a server-side cursor
    (bench/earnings.py closes a month for all retailers with flat memory).
    """
    from django.db import connection

    start, end = month_bounds(year, month)
    with connection.chunked_cursor() as cursor:
        cursor.execute(_STREAM_SQL, {"start": start, "end": end})
        while rows := cursor.fetchmany(2000):
            for retailer_id, opening, movement in rows:
                yield retailer_id, opening, movement, opening + movement


def annual_paid_for_retailer(*, retailer: Retailer, year: int) -> Decimal:
    return PayoutLine.objects.filter(
        retailer=retailer,
        held=False,
        batch__status=PayoutBatch.Status.PAID,
        batch__paid_at__year=year,
    ).aggregate(s=_SUM)["s"]


# --- Stripe Connect (connect.py) ----------------------------------------------------
def connect_account_for(*, retailer: Retailer) -> ConnectAccount | None:
    return ConnectAccount.objects.filter(retailer=retailer).first()


def connect_accounts_for(*, retailer_ids) -> dict[int, ConnectAccount]:
    return {a.retailer_id: a for a in ConnectAccount.objects.filter(retailer_id__in=retailer_ids)}


def connect_wait_reason(account: ConnectAccount | None) -> str:
    """Why a Connect payout must wait ('' when the account can receive transfers)."""
    if account is None or not account.payouts_enabled:
        return "Set up payouts with Stripe under Earnings → Payout account."
    return ""


def paid_years_for_retailer(*, retailer: Retailer) -> list[int]:
    """Calendar years in which the retailer was paid, newest first (1099 copies)."""
    dates = PayoutLine.objects.filter(
        retailer=retailer, held=False, batch__status=PayoutBatch.Status.PAID
    ).dates("batch__paid_at", "year", order="DESC")
    return [d.year for d in dates]


def form_1099_threshold(year: int) -> Decimal:
    thresholds = {int(y): Decimal(str(v)) for y, v in settings.FORM_1099_THRESHOLDS.items()}
    known = sorted(y for y in thresholds if y <= year)
    if not known:
        return thresholds[min(thresholds)]
    return thresholds[known[-1]]


def form_1099_recipients(*, year: int) -> list[tuple[Retailer, Decimal]]:
    """Retailers whose commissions PAID in `year` reach that year's 1099-NEC threshold."""
    threshold = form_1099_threshold(year)
    rows = (
        PayoutLine.objects.filter(
            held=False, batch__status=PayoutBatch.Status.PAID, batch__paid_at__year=year
        )
        .values("retailer_id")
        .annotate(total=Sum("amount"))
        .filter(total__gte=threshold)
        .order_by("retailer_id")
    )
    totals = {r["retailer_id"]: r["total"] for r in rows}
    retailers = Retailer.objects.filter(pk__in=totals).order_by("retailer_number")
    return [(r, totals[r.pk]) for r in retailers]


@dataclass(frozen=True)
class ProtectedCustomer:
    first_name: str
    city: str
    last_order_at: datetime


def protected_customers_for_retailer(*, retailer: Retailer) -> list[ProtectedCustomer]:
    """First name, city and last order date: no more (one row per customer)."""
    now = timezone.now()
    rows = (
        CustomerProtection.objects.filter(retailer=retailer, expires_at__gt=now)
        .filter(customer_key__startswith="email:")
        .select_related("first_order")
        .order_by("-last_order_at")[:500]
    )
    return [
        ProtectedCustomer(
            first_name=(p.first_order.full_name.split() or [""])[0],
            city=p.first_order.ship_city,
            last_order_at=p.last_order_at,
        )
        for p in rows
    ]


def customer_key_for_user(user_id: int) -> str:
    return f"user:{user_id}"


def customer_key_for_email(email: str) -> str:
    """`email` already normalised (shopsocial.mail.addresses.email_normalise)."""
    return f"email:{email}"


def order_email_proved(*, order) -> str:
    """The order's email, normalised, if the shopper proved it; else "".

    Proved: the order belongs to an account that verified this very address, or the
    buyer used the order's own emailed link to confirm it. A guest's typed address alone
    proves nothing (issue 30 item 4).
    """
    if not order.email:
        return ""
    from orders.accounts.selectors import email_verified_for_user, order_email_proved_by_link
    from shopsocial.mail.addresses import email_normalise

    email = email_normalise(order.email)
    if order.customer_id and email_verified_for_user(user=order.customer) == email:
        return email
    return email if order_email_proved_by_link(order_id=order.pk, email=email) else ""


def protection_first(*, keys: list[str], at: datetime) -> CustomerProtection | None:
    """The earliest protection still running at `at` for any of the customer's keys."""
    if not keys:
        return None
    return (
        CustomerProtection.objects.filter(customer_key__in=keys, expires_at__gt=at)
        .select_related("retailer")
        .order_by("started_at")
        .first()
    )


def protecting_retailer_for_user(*, user) -> Retailer | None:
    """The retailer protecting a signed-in shopper now, by the rule that credits their
    orders (`services.credited_retailer`), else None.

    From order data only (customer protection): the account itself, and its email once
    the account has proved it. Used to preselect "who helped you?" on the company site;
    a guest's typed address never reveals anyone's retailer.
    """
    if not getattr(user, "is_authenticated", False) or settings.CUSTOMER_PROTECTION_DAYS <= 0:
        return None
    from orders.accounts.selectors import email_verified_for_user

    keys = [customer_key_for_user(user.pk)]
    if email := email_verified_for_user(user=user):
        keys.append(customer_key_for_email(email))
    protection = protection_first(keys=keys, at=timezone.now())
    if protection is None or not protection.retailer.is_active:
        return None
    return protection.retailer
