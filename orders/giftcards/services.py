"""Gift-card and store-credit writes: issue, redeem, release. Each locks the card row
(SELECT … FOR UPDATE) before it reads the balance and appends one ledger entry."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from orders.hooks import GiftCardRecipientDetails, GiftCardRefused
from orders.models import Order

from .emails import giftcard_issued_enqueue, giftcard_sent_enqueue
from .models import GiftCard, GiftCardEntry, GiftCardRecipient
from .selectors import (
    giftcard_by_code,
    giftcard_code_normalise,
    giftcard_product_ids,
    store_credit_balance,
)

# No 0/O, 1/I/L, U: codes are read aloud and typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
CENT = Decimal("0.01")


class GiftCardError(GiftCardRefused):
    """A code that cannot be used, or more than its balance; `message` is shown as is.
    (A GiftCardRefused: the checkout in `orders` catches it without importing us.)"""


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


def _given_back(entry: GiftCardEntry) -> Decimal:
    """What the releases of redemption `entry` have returned so far (actor-tagged)."""
    tag = f"release:{entry.pk}"
    return GiftCardEntry.objects.filter(
        Q(actor=tag) | Q(actor__startswith=f"{tag}:"),
        card_id=entry.card_id,
        kind=GiftCardEntry.Kind.RELEASE,
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


@transaction.atomic
def giftcard_release(
    *, entry_id: int, actor: str, amount: Decimal | None = None, why: str = ""
) -> GiftCardEntry:
    """Give back what a redemption took (its order canceled or refunded): all that is
    left of it (amount=None: once, refused the second time) or `amount` of it (a
    partial refund; tagged with `why`). The card row is locked first."""
    entry = GiftCardEntry.objects.get(pk=entry_id, kind=GiftCardEntry.Kind.REDEEM)
    card = GiftCard.objects.select_for_update().get(pk=entry.card_id)
    left = -entry.amount - _given_back(entry)
    if left <= 0:
        raise GiftCardError("That redemption was already given back.")
    if amount is not None and not (0 < amount <= left):
        raise GiftCardError(f"At most ${left:.2f} of that redemption can be given back.")
    return _append(
        card,
        kind=GiftCardEntry.Kind.RELEASE,
        amount=left if amount is None else amount,
        order=entry.order,
        actor=f"release:{entry.pk}" if amount is None else f"release:{entry.pk}:{why}"[:120],
    )


def _order_redemptions(order: Order) -> list[GiftCardEntry]:
    return list(
        GiftCardEntry.objects.filter(order=order, kind=GiftCardEntry.Kind.REDEEM).order_by("pk")
    )


@transaction.atomic
def giftcard_order_release(*, order: Order) -> list[GiftCardEntry]:
    """Give back every hold an unpaid order made (payment failed, expired, canceled)."""
    released = []
    for entry in _order_redemptions(order):
        if -entry.amount - _given_back(entry) > 0:
            released.append(giftcard_release(entry_id=entry.pk, actor="cancel"))
    return released


@transaction.atomic
def giftcard_order_refund(*, order: Order, amount: Decimal, actor: str) -> list[GiftCardEntry]:
    """Return `amount` of a paid order's gift-card part to its cards: store credit and
    cards in the reverse of the order they were spent in (the last spent, first back)."""
    entries, left = [], amount.quantize(CENT)
    for entry in reversed(_order_redemptions(order)):
        if left <= 0:
            break
        open_part = -entry.amount - _given_back(entry)
        give = min(open_part, left)
        if give > 0:
            n = GiftCardEntry.objects.filter(actor__startswith=f"release:{entry.pk}:").count()
            entries.append(
                giftcard_release(entry_id=entry.pk, actor=actor, amount=give, why=f"refund{n + 1}")
            )
            left -= give
    if left > 0:
        raise GiftCardError("The order's gift-card part is already returned.")
    return entries


def giftcards_release_for_canceled_order(*, order: Order, from_status: str, to_status: str) -> None:
    """Order transition hook: an order canceled before payment gives its holds back."""
    if to_status == Order.Status.CANCELED and from_status != Order.Status.CANCELED:
        giftcard_order_release(order=order)


class GiftCardCheckout:
    """The gift-card payment orders' checkout calls (`orders.hooks.GiftCardPayment`)."""

    def product_ids(self) -> frozenset[int]:
        return frozenset(giftcard_product_ids())

    def available(self, *, code: str, user, use_store_credit: bool, retailer) -> Decimal:
        total = Decimal("0.00")
        if code:
            card = giftcard_by_code(code=code)
            if card is None or card.kind != GiftCard.Kind.GIFT_CARD:
                raise GiftCardError(
                    "That gift card code is not valid. Check it and try again.", unknown=True
                )
            if card.source_order is not None and card.source_order.retailer_id != retailer.pk:
                raise GiftCardError(
                    "That gift card was bought in another shop and can be used there only."
                )
            if card.balance <= 0:
                raise GiftCardError("That gift card has no money left on it.")
            total += card.balance
        if use_store_credit:
            credit = store_credit_balance(user=user) if user is not None else Decimal("0.00")
            if credit <= 0 and not code:
                raise GiftCardError("You have no store credit to use.")
            total += credit
        return total

    def hold(self, *, order: Order, code: str, user, use_store_credit: bool, amount: Decimal):
        """Card first, then store credit; each write locks its card rows."""
        actor, left = f"order {order.number}", amount
        if code:
            card = GiftCard.objects.select_for_update().filter(
                code=giftcard_code_normalise(code), kind=GiftCard.Kind.GIFT_CARD
            )
            balance = card.values_list("balance", flat=True).first() or Decimal("0.00")
            take = min(balance, left)
            if take > 0:
                giftcard_redeem(code=code, amount=take, actor=actor, order=order)
                left -= take
        if left > 0 and use_store_credit and user is not None:
            store_credit_redeem(user=user, amount=left, actor=actor, order=order)
            left = Decimal("0.00")
        if left > 0:
            raise GiftCardError("The gift card's balance changed meanwhile; check it again.")

    def refund(self, *, order: Order, amount: Decimal, actor: str) -> None:
        giftcard_order_refund(order=order, amount=amount, actor=actor)

    def recipient_set(self, *, order: Order, recipient: GiftCardRecipientDetails) -> None:
        giftcard_recipient_set(order=order, recipient=recipient)


def giftcard_recipient_set(*, order: Order, recipient: GiftCardRecipientDetails):
    """Record who the order's gift cards go to (validated: the database keeps it)."""
    row = GiftCardRecipient(
        order=order,
        name=recipient.name.strip(),
        email=recipient.email.strip().lower(),
        message=recipient.message.strip(),
    )
    row.full_clean(exclude=["order"])
    row.save()
    return row


def giftcards_issue_for_paid_order(*, order: Order, from_status: str, to_status: str) -> None:
    """Order transition hook: a paid order's gift-card lines become cards, one per unit,
    each emailed with its code (the card and its email row in the payment's transaction)
    to the recipient named at checkout (else the buyer); the buyer is told they went."""
    if to_status != Order.Status.PAID or from_status == Order.Status.PAID:
        return
    if GiftCard.objects.filter(source_order=order).exists():  # already issued
        return
    product_ids = giftcard_product_ids()
    recipient = GiftCardRecipient.objects.filter(order=order).first()
    cards = []
    for line in order.lines.filter(product_id__in=product_ids).order_by("pk"):
        for _unit in range(line.quantity):
            card = giftcard_issue(
                amount=line.unit_price,
                actor=f"order {order.number}",
                source_order=order,
                recipient_email=recipient.email if recipient else order.email,
                recipient_name=recipient.name if recipient else order.full_name,
            )
            giftcard_issued_enqueue(card=card, order=order, recipient=recipient)
            cards.append(card)
    if cards and recipient is not None:
        giftcard_sent_enqueue(cards=cards, order=order, recipient=recipient)
