"""Newsletter, consent, campaigns, unsubscribe and the suppression list (CAN-SPAM)."""

from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "privacy.marketing"
    label = "marketing"
    verbose_name = "Marketing email"

    def ready(self) -> None:
        from orders.hooks import order_transition_hook_register

        from . import webhooks  # noqa: F401 - connects anymail's tracking signal
        from .services import checkout_reminders_cancel_on_payment

        # Abandoned-checkout reminders (issue 28): paying cancels the shopper's reminders.
        order_transition_hook_register(checkout_reminders_cancel_on_payment)
