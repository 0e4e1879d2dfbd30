"""Social scenes (party orders with host rewards) and the share kit (links, QR codes)."""

from django.apps import AppConfig


class ScenesConfig(AppConfig):
    name = "storefront.scenes"
    label = "scenes"
    verbose_name = "Scenes and share links"

    def ready(self) -> None:
        # An order placed through a scene or share link is attributed at checkout: orders
        # runs this hook, so the dependency points from scenes to orders, never back.
        from orders.hooks import order_placed_hook_register

        from .services import order_attribution_on_checkout

        order_placed_hook_register(order_attribution_on_checkout)
