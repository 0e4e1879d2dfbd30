"""Gift cards and store credit: balances kept in an append-only ledger."""

from django.apps import AppConfig


class GiftcardsConfig(AppConfig):
    name = "orders.giftcards"
    label = "giftcards"
    verbose_name = "Gift cards and store credit"

    def ready(self) -> None:
        # A paid order issues its gift cards through the order's transition hooks
        # (orders imports no gift-card code).
        from orders.hooks import giftcard_payment_register, order_transition_hook_register

        from .services import (
            GiftCardCheckout,
            giftcards_issue_for_paid_order,
            giftcards_release_for_canceled_order,
        )

        order_transition_hook_register(giftcards_issue_for_paid_order)
        # An order canceled before payment gives its gift-card holds back.
        order_transition_hook_register(giftcards_release_for_canceled_order)
        # Checkout redeems cards and store credit through orders.hooks.
        giftcard_payment_register(GiftCardCheckout())
