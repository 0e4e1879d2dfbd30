"""Social scenes (party orders with host rewards) and the share kit (links, QR codes)."""

from django.apps import AppConfig


class ScenesConfig(AppConfig):
    name = "storefront.scenes"
    label = "scenes"
    verbose_name = "Scenes and share links"
