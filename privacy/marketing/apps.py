from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "privacy.marketing"
    label = "marketing"
    verbose_name = "Marketing email"
