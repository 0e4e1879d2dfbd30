"""Gift-card and store-credit writes: issue, redeem, release. Each locks the card row
(SELECT … FOR UPDATE) before it reads the balance and appends one ledger entry."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import Order

from .emails import giftcard_issued_enqueue
from .models import GiftCard, GiftCardEntry
from .selectors import giftcard_code_normalise, giftcard_product_ids

# No 0/O, 1/I/L, U: codes are read aloud and typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CENT = Decimal("0.01")


class GiftCardError(Exception):
    """A code that cannot be used, or more than its balance; `message` is shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def giftcard_code_new() -> str:
    return giftcard_code_normalise("".join(secrets.choice(ALPHABET) for _ in range(16)))


@transaction.atomic
def giftcard_issue(
    *,
    amount: Decimal,
    actor: str,
    kind: str = GiftCard.Kind.GIFT_CARD,
    owner=None,
    source_order: Order | None = None,
    recipient_email: str = "",
    recipient_name: str = "",
) -> GiftCard:
    amount = amount.quantize(CENT)
    if amount <= 0:
        raise GiftCardError("A gift card holds more than $0.00.")
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                card = GiftCard.objects.create(
                    code=giftcard_code_new(),
                    kind=kind,
                    initial_amount=amount,
                    balance=amount,
                    owner=owner,
                    source_order=source_order,
                    recipient_email=recipient_email,
                    recipient_name=recipient_name,
                    issued_at=now,
                    last_activity_at=now,
                )
            break
        except IntegrityError:  # a code already taken: draw again
            continue
    else:  # pragma: no cover - 30^16 codes
        raise GiftCardError("Could not make a unique code; try again.")
    GiftCardEntry.objects.create(
        card=card,
        kind=GiftCardEntry.Kind.ISSUE,
        amount=amount,
        balance_after=amount,
        order=source_order,
        actor=actor,
    )
    return card


def _append(card: GiftCard, *, kind: str, amount: Decimal, order, actor: str) -> GiftCardEntry:
    card.balance += amount
    card.last_activity_at = timezone.now()
    card.save(update_fields=["balance", "last_activity_at"])
    return GiftCardEntry.objects.create(
        card=card, kind=kind, amount=amount, balance_after=card.balance, order=order, actor=actor
    )


@transaction.atomic
def giftcard_redeem(
    *, code: str, amount: Decimal, actor: str, order: Order | None = None
) -> GiftCardEntry:
    """Spend `amount` of the card: refused (nothing written) beyond its balance."""
    amount = amount.quantize(CENT)
    if amount <= 0:
        raise GiftCardError("Nothing to redeem.")
    card = (
        GiftCard.objects.select_for_update()
        .filter(code=giftcard_code_normalise(code), kind=GiftCard.Kind.GIFT_CARD)
        .first()
    )
    if card is None:
        raise GiftCardError("That gift card code is not valid.")
    if amount > card.balance:
        raise GiftCardError(f"That gift card has ${card.balance:.2f} left.")
    return _append(card, kind=GiftCardEntry.Kind.REDEEM, amount=-amount, order=order, actor=actor)


@transaction.atomic
def store_credit_redeem(*, user, amount: Decimal, actor: str, order: Order | None = None):
    """Spend the shopper's store credit, oldest first, each card locked in pk order."""
    amount = amount.quantize(CENT)
    cards = list(
        GiftCard.objects.select_for_update()
        .filter(owner=user, kind=GiftCard.Kind.STORE_CREDIT, balance__gt=0)
        .order_by("pk")
    )
    if amount <= 0 or amount > sum((c.balance for c in cards), start=Decimal("0")):
        raise GiftCardError("Not enough store credit.")
    entries, left = [], amount
    for card in cards:
        take = min(card.balance, left)
        if take > 0:
            entries.append(
                _append(
                    card, kind=GiftCardEntry.Kind.REDEEM, amount=-take, order=order, actor=actor
                )
            )
            left -= take
    return entries


@transaction.atomic
def giftcard_release(*, entry_id: int, actor: str) -> GiftCardEntry:
    """Give back what a redemption took (its order canceled or refunded), once."""
    entry = GiftCardEntry.objects.get(pk=entry_id, kind=GiftCardEntry.Kind.REDEEM)
    card = GiftCard.objects.select_for_update().get(pk=entry.card_id)
    if GiftCardEntry.objects.filter(
        card=card, kind=GiftCardEntry.Kind.RELEASE, actor=f"release:{entry.pk}"
    ).exists():
        raise GiftCardError("That redemption was already given back.")
    return _append(
        card,
        kind=GiftCardEntry.Kind.RELEASE,
        amount=-entry.amount,
        order=entry.order,
        actor=f"release:{entry.pk}",
    )


def giftcards_issue_for_paid_order(*, order: Order, from_status: str, to_status: str) -> None:
    """Order transition hook: a paid order's gift-card lines become cards, one per unit,
    each emailed with its code (the card and its email row in the payment's transaction)."""
    if to_status != Order.Status.PAID or from_status == Order.Status.PAID:
        return
    if GiftCard.objects.filter(source_order=order).exists():  # already issued
        return
    product_ids = giftcard_product_ids()
    for line in order.lines.filter(product_id__in=product_ids).order_by("pk"):
        for _unit in range(line.quantity):
            card = giftcard_issue(
                amount=line.unit_price,
                actor=f"order {order.number}",
                source_order=order,
                recipient_email=order.email,
                recipient_name=order.full_name,
            )
            giftcard_issued_enqueue(card=card, order=order)
