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

        # Checkout and payment reach autoship through orders.hooks (orders imports no
        # autoship code): the checkout steps, and a paid order starting its autoships.
        from types import SimpleNamespace

        from orders.hooks import autoship_checkout_register, order_transition_hook_register

        from .services import (
            autoship_checkout_check,
            autoship_pending_create,
            autoship_source_order_transition,
        )

        autoship_checkout_register(
            SimpleNamespace(check=autoship_checkout_check, pending_create=autoship_pending_create)
        )
        order_transition_hook_register(autoship_source_order_transition)
