"""Autoship: a customer's lines delivered again every 4, 8 or 12 weeks."""

from django.apps import AppConfig


class AutoshipConfig(AppConfig):
    name = "orders.autoship"
    label = "autoship"
    verbose_name = "Autoship"
