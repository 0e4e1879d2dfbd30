"""Newsletter, consent, campaigns, unsubscribe and the suppression list (CAN-SPAM)."""

from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "privacy.marketing"
    label = "marketing"
    verbose_name = "Marketing email"

    def ready(self) -> None:
        from . import webhooks  # noqa: F401 - connects anymail's tracking signal
