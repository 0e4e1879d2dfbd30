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

from .models import CommissionEntry, CustomerProtection, PayoutBatch, PayoutLine

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
        balance=agg["balance"],
    )


def entries_for_retailer(*, retailer: Retailer) -> QuerySet[CommissionEntry]:
    return (
        Entry.objects.filter(retailer=retailer)
        .select_related("order", "payout_line__batch")
        .order_by("-created_at", "-pk")
    )


def held_payouts_for_retailer(*, retailer: Retailer) -> QuerySet[PayoutLine]:
    """Payout lines held for this retailer whose balance is still unpaid (reason shown)."""
    return (
        PayoutLine.objects.filter(retailer=retailer, held=True)
        .select_related("batch")
        .order_by("-batch__created_at")[:1]
    )


@dataclass(frozen=True)
class Statement:
    retailer: Retailer
    year: int
    month: int
    opening: Decimal
    entries: list[CommissionEntry]
    closing: Decimal

    @property
    def label(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def period(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def movement(self) -> Decimal:
        return self.closing - self.opening


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    if not (1 <= month <= 12 and 2000 <= year <= 2999):
        raise Http404("No such month")
    start = date(year, month, 1)
    end = (start + timedelta(days=32)).replace(day=1)
    return _start_of(start), _start_of(end)


def statement_for_retailer(*, retailer: Retailer, year: int, month: int) -> Statement:
    """Opening balance, the month's entries and closing balance: closing = opening + entries."""
    start, end = month_bounds(year, month)
    mine = Entry.objects.filter(retailer=retailer)
    opening = mine.filter(created_at__lt=start).aggregate(s=_SUM)["s"]
    entries = list(
        mine.filter(created_at__gte=start, created_at__lt=end)
        .select_related("order")
        .order_by("created_at", "pk")
    )
    closing = opening + sum((e.amount for e in entries), ZERO)
    return Statement(retailer, year, month, opening, entries, closing)


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


def statements_stream(*, year: int, month: int) -> Iterator[tuple[int, Decimal, Decimal, Decimal]]:
    """Every retailer's (id, opening, movement, closing) for a month, in one query, streamed.

    Used to close a month for all retailers (bench/earnings.py) with flat memory.
    """
    start, end = month_bounds(year, month)
    rows = (
        Entry.objects.filter(created_at__lt=end)
        .values("retailer_id")
        .annotate(
            opening=Coalesce(Sum("amount", filter=Q(created_at__lt=start)), Value(ZERO)),
            movement=Coalesce(
                Sum("amount", filter=Q(created_at__gte=start, created_at__lt=end)), Value(ZERO)
            ),
        )
        .order_by("retailer_id")
    )
    for row in rows.iterator(chunk_size=2000):
        yield row["retailer_id"], row["opening"], row["movement"], row["opening"] + row["movement"]


def annual_paid_for_retailer(*, retailer: Retailer, year: int) -> Decimal:
    return PayoutLine.objects.filter(
        retailer=retailer,
        held=False,
        batch__status=PayoutBatch.Status.PAID,
        batch__paid_at__year=year,
    ).aggregate(s=_SUM)["s"]


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

    Proved: the order belongs to an account that verified this very address. A guest's
    typed address proves nothing (issue 30 item 4).
    """
    if not order.email or not order.customer_id:
        return ""
    from orders.accounts.selectors import email_verified_for_user
    from shopsocial.mail.addresses import email_normalise

    email = email_normalise(order.email)
    return email if email_verified_for_user(user=order.customer) == email else ""


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
