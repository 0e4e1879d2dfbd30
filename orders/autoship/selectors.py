"""Autoship reads: the customer's own, the retailer's customers', what is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from ..models import Order
from .models import Autoship, AutoshipRun


def autoship_ids_due(*, today: date) -> list[int]:
    """Active autoships whose delivery (or dunning retry) is due by `today`."""
    return list(
        Autoship.objects.filter(status=Autoship.Status.ACTIVE)
        .filter(Q(retry_on__lte=today) | Q(retry_on__isnull=True, next_date__lte=today))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def autoships_to_remind(*, delivery: date) -> QuerySet[Autoship]:
    return (
        Autoship.objects.filter(
            status=Autoship.Status.ACTIVE, next_date=delivery, retry_on__isnull=True
        )
        .exclude(reminded_for=delivery)
        .select_related("customer", "retailer", "source_order")
        .prefetch_related("lines__variant__product")
    )


def autoship_list_for_customer(*, user) -> QuerySet[Autoship]:
    return (
        Autoship.objects.filter(customer=user)
        .exclude(status=Autoship.Status.PENDING)
        .select_related("retailer")
        .prefetch_related("lines__variant__product")
        .order_by("status", "next_date", "pk")
    )


def autoship_get_for_customer(*, user, autoship_id: int) -> Autoship | None:
    """The customer's own autoship, or None (another's is a 404, never a 403)."""
    return autoship_list_for_customer(user=user).filter(pk=autoship_id).first()


@dataclass(frozen=True)
class BackofficeAutoship:
    first_name: str
    next_date: date | None
    status: str


def autoships_for_retailer(*, retailer) -> list[BackofficeAutoship]:
    """The retailer's customers' autoships: first name and next date only."""
    rows = (
        Autoship.objects.filter(
            retailer=retailer, status__in=[Autoship.Status.ACTIVE, Autoship.Status.PAUSED]
        )
        .select_related("source_order")
        .only("next_date", "status", "source_order__full_name")
        .order_by("next_date", "pk")
    )
    return [
        BackofficeAutoship(
            first_name=(a.source_order.full_name.split() or [""])[0],
            next_date=a.next_date if a.status == Autoship.Status.ACTIVE else None,
            status=a.get_status_display(),
        )
        for a in rows
    ]


def autoship_volume_for_retailer(*, retailer) -> dict[str, Decimal | int]:
    """Paid autoship orders credited to this retailer: count and merchandise after discount."""
    order_ids = AutoshipRun.objects.filter(
        autoship__retailer=retailer, status=AutoshipRun.Status.PAID
    ).values("order_id")
    totals = Order.objects.filter(pk__in=order_ids, retailer=retailer).aggregate(
        merchandise=Sum("subtotal"), discount=Sum("discount")
    )
    merchandise = (totals["merchandise"] or Decimal("0.00")) - (
        totals["discount"] or Decimal("0.00")
    )
    return {
        "orders": AutoshipRun.objects.filter(
            autoship__retailer=retailer, status=AutoshipRun.Status.PAID
        ).count(),
        "volume": merchandise,
        "active": Autoship.objects.filter(retailer=retailer, status=Autoship.Status.ACTIVE).count(),
    }
