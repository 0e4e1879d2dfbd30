"""Retailer earnings: commission plan, ledger, customer protection, payouts, year-end."""

from django.apps import AppConfig


class EarningsConfig(AppConfig):
    name = "retailers.earnings"
    label = "earnings"
    verbose_name = "Retailer earnings"
