"""Autoship: a customer's lines delivered again every 4, 8 or 12 weeks."""

from django.apps import AppConfig


class AutoshipConfig(AppConfig):
    name = "orders.autoship"
    label = "autoship"
    verbose_name = "Autoship"

    def ready(self) -> None:
        from privacy.services.personal_data import personal_data_section

        from .services import autoship_export, autoship_forget

        personal_data_section("autoship", export=autoship_export, erase=autoship_forget)
