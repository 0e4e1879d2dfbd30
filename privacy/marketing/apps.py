"""Newsletter, consent, campaigns, unsubscribe and the suppression list (CAN-SPAM)."""

from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "privacy.marketing"
    label = "marketing"
    verbose_name = "Marketing email"

    def ready(self) -> None:
        from orders.hooks import order_email_extras_register, order_transition_hook_register

        from . import webhooks  # noqa: F401 - connects anymail's tracking signal
        from .selectors import survey_url_for_order
        from .services import checkout_reminders_cancel_on_payment

        def survey_link(*, order, template: str) -> dict[str, object]:
            # The shipping email asks one anonymous question on the shop that sold.
            if template != "order_shipped":
                return {}
            return {"survey_url": survey_url_for_order(order)}

        order_email_extras_register(survey_link)
        # Abandoned-checkout reminders (issue 28): paying cancels the shopper's reminders.
        order_transition_hook_register(checkout_reminders_cancel_on_payment)
