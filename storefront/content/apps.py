from django.apps import AppConfig


class StorefrontContentConfig(AppConfig):
    name = "storefront.content"
    label = "storefront_content"
    verbose_name = "Storefront content (per retailer)"
