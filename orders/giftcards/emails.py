"""The gift-card emails: the code and the amount to the recipient (the buyer when none
was named), and a note to the buyer that the cards were sent (no codes in it)."""

from __future__ import annotations

from orders.models import Order
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse, storefront_reverse

from .models import GiftCard, GiftCardRecipient


def _shop_context(order: Order) -> dict[str, str]:
    """Where the card was bought: the storefront's name and home, the privacy policy."""
    retailer = order.retailer
    return {
        "retailer_name": retailer.display_name,
        "shop_url": storefront_reverse(retailer.slug, "storefront:home"),
        "placed_on": "our website"
        if retailer.is_company
        else f"{retailer.display_name}'s storefront",
        "privacy_url": company_reverse("privacy:policy"),
    }


def giftcard_issued_enqueue(
    *, card: GiftCard, order: Order, recipient: GiftCardRecipient | None = None
) -> OutboundEmail:
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=card.recipient_email,
        template="giftcard_issued",
        context={
            "recipient_name": card.recipient_name,
            "amount": f"{card.initial_amount:.2f}",
            "code": card.code,
            **_shop_context(order),
            "sender_name": order.full_name if recipient else "",
            "message": recipient.message if recipient else "",
        },
        dedupe_key=f"giftcard:{card.pk}:issued",
    )


def giftcard_sent_enqueue(
    *, cards: list[GiftCard], order: Order, recipient: GiftCardRecipient
) -> OutboundEmail:
    """To the buyer: the cards went to the recipient (amounts and the last four only)."""
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=order.email,
        template="giftcard_sent",
        context={
            "buyer_name": order.full_name,
            "recipient_name": recipient.name,
            "recipient_email": recipient.email,
            "cards": [{"amount": f"{c.initial_amount:.2f}", "last4": c.code[-4:]} for c in cards],
            "order_number": order.number,
            **_shop_context(order),
        },
        dedupe_key=f"giftcard:order:{order.pk}:sent",
    )
