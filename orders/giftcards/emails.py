"""The gift-card email: the code and the amount, to the recipient (the buyer for now)."""

from __future__ import annotations

from orders.models import Order
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_enqueue
from shopsocial.urls_util import company_reverse, storefront_reverse

from .models import GiftCard


def giftcard_issued_enqueue(*, card: GiftCard, order: Order) -> OutboundEmail:
    retailer = order.retailer
    return email_enqueue(
        kind=OutboundEmail.Kind.TRANSACTIONAL,
        to=card.recipient_email,
        template="giftcard_issued",
        context={
            "recipient_name": card.recipient_name,
            "amount": f"{card.initial_amount:.2f}",
            "code": card.code,
            "retailer_name": retailer.display_name,
            "shop_url": storefront_reverse(retailer.slug, "storefront:home"),
            "placed_on": "our website"
            if retailer.is_company
            else f"{retailer.display_name}'s storefront",
            "privacy_url": company_reverse("privacy:policy"),
        },
        dedupe_key=f"giftcard:{card.pk}:issued",
    )
