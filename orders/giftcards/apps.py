"""Gift cards and store credit: balances kept in an append-only ledger."""

from django.apps import AppConfig


class GiftcardsConfig(AppConfig):
    name = "orders.giftcards"
    label = "giftcards"
    verbose_name = "Gift cards and store credit"
