"""Gift cards and store credit: balances kept in an append-only ledger."""

from django.apps import AppConfig


class GiftcardsConfig(AppConfig):
    name = "orders.giftcards"
    label = "giftcards"
    verbose_name = "Gift cards and store credit"

    def ready(self) -> None:
        # A paid order issues its gift cards through the order's transition hooks
        # (orders imports no gift-card code).
        from orders.hooks import order_transition_hook_register

        from .services import giftcards_issue_for_paid_order

        order_transition_hook_register(giftcards_issue_for_paid_order)
