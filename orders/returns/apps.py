"""Returns (RMA): a shopper asks to send lines back; staff receive, inspect and refund."""

from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "orders.returns"
    label = "returns"
    verbose_name = "Returns"
