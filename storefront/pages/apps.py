from django.apps import AppConfig


class StorefrontPagesConfig(AppConfig):
    name = "storefront.pages"
    label = "storefront_pages"
    verbose_name = "Shop pages (shipping, returns, terms)"
