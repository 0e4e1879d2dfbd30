"""Retailer earnings: commission plan, ledger, customer protection, payouts, year-end."""

from django.apps import AppConfig


class EarningsConfig(AppConfig):
    name = "retailers.earnings"
    label = "earnings"
    verbose_name = "Retailer earnings"

    def ready(self) -> None:
        # Order paid → commission accrued: orders runs this hook inside its transition, so
        # the dependency points from earnings to orders, never back (see orders/hooks.py).
        from orders.hooks import order_transition_hook_register, payout_event_handler_register

        from .connect import PayoutEvents
        from .services import commission_on_order_transition

        order_transition_hook_register(commission_on_order_transition)
        # Stripe Connect payouts: account.updated and transfer.* webhooks (issue 26).
        payout_event_handler_register(PayoutEvents())

        # hardening (issue 30 item 4): a guest proved the order's address by its own link.
        from orders.hooks import order_email_proved_hook_register

        from .services import protection_on_email_proved

        order_email_proved_hook_register(protection_on_email_proved)
