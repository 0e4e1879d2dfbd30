from django.apps import AppConfig


class TaxConfig(AppConfig):
    name = "orders.tax"
    label = "tax"
    verbose_name = "Sales tax"
