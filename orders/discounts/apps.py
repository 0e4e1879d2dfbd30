from django.apps import AppConfig


class DiscountsConfig(AppConfig):
    name = "orders.discounts"
    label = "discounts"
    verbose_name = "Discount codes"
