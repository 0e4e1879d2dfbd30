"""Reads: a card by code, and the outstanding balance (a liability) for Finance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum

from .models import GiftCard, GiftCardEntry, GiftCardProduct

ZERO = Decimal("0.00")


def giftcard_code_normalise(code: str) -> str:
    """What a shopper types ("abcd efgh-ijkl mnop") as the stored form."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())[:16]
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def giftcard_by_code(*, code: str) -> GiftCard | None:
    return GiftCard.objects.filter(code=giftcard_code_normalise(code)).first()


def giftcard_ledger_balance(*, card: GiftCard) -> Decimal:
    """The balance as the ledger sums it (the stored one must equal it)."""
    return GiftCardEntry.objects.filter(card=card).aggregate(s=Sum("amount"))["s"] or ZERO


@dataclass(frozen=True)
class LiabilityRow:
    kind: str
    label: str
    cards: int
    outstanding: Decimal
    issued: Decimal
    oldest_issue: datetime | None
    oldest_activity: datetime | None


def giftcard_liability(*, as_of: datetime | None = None) -> list[LiabilityRow]:
    """Outstanding balances by kind, from the ledger (entries up to `as_of`)."""
    entries = GiftCardEntry.objects.all()
    if as_of is not None:
        entries = entries.filter(created_at__lte=as_of)
    sums = dict(
        entries.values_list("card__kind").annotate(s=Sum("amount")).values_list("card__kind", "s")
    )
    rows = []
    for kind, label in GiftCard.Kind.choices:
        cards = GiftCard.objects.filter(kind=kind).aggregate(
            n=Count("pk", filter=Q(balance__gt=0)),
            issued=Sum("initial_amount"),
            oldest_issue=Min("issued_at", filter=Q(balance__gt=0)),
            oldest_activity=Min("last_activity_at", filter=Q(balance__gt=0)),
        )
        rows.append(
            LiabilityRow(
                kind=kind,
                label=label,
                cards=cards["n"] or 0,
                outstanding=sums.get(kind) or ZERO,
                issued=cards["issued"] or ZERO,
                oldest_issue=cards["oldest_issue"],
                oldest_activity=cards["oldest_activity"],
            )
        )
    return rows


def giftcards_dormant(*, since: datetime):
    """Cards with money left and no activity since `since` (unclaimed-property review)."""
    return (
        GiftCard.objects.filter(balance__gt=0, last_activity_at__lt=since)
        .annotate(last_entry=Max("entries__created_at"))
        .order_by("last_activity_at")
    )


def giftcard_product_ids() -> set[int]:
    """Catalog products sold as gift cards: not product sales, so they earn no commission."""
    return set(GiftCardProduct.objects.values_list("product_id", flat=True))


def store_credit_balance(*, user) -> Decimal:
    """What a shopper's store credit holds in all (0 for anyone else)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ZERO
    return (
        GiftCard.objects.filter(owner=user, kind=GiftCard.Kind.STORE_CREDIT).aggregate(
            s=Sum("balance")
        )["s"]
        or ZERO
    )


@dataclass(frozen=True)
class CardBalance:
    label: str  # "Gift card ending 7KQP" / "Store credit"
    used: Decimal
    left: Decimal


def giftcard_balances_for_order(*, order) -> list[CardBalance]:
    """The cards and credit an order spent, with what each has left now (the success
    page: its URL is the buyer's own capability, and only the last four show)."""
    spent: dict[int, Decimal] = {}
    for entry in GiftCardEntry.objects.filter(order=order, kind=GiftCardEntry.Kind.REDEEM):
        spent[entry.card_id] = spent.get(entry.card_id, ZERO) - entry.amount
    cards = GiftCard.objects.filter(pk__in=spent).order_by("pk")
    return [
        CardBalance(
            label=f"Gift card ending {c.code[-4:]}"
            if c.kind == GiftCard.Kind.GIFT_CARD
            else "Store credit",
            used=spent[c.pk],
            left=c.balance,
        )
        for c in cards
    ]
