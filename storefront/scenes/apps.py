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

        # hardening (issue 30 item 9): a refund before the reward settles reduces it.
        from orders.hooks import order_transition_hook_register

        from .services import scene_reward_on_refund

        order_transition_hook_register(scene_reward_on_refund)

        from privacy.services.personal_data import personal_data_section

        from .guest_services import scene_guests_export, scene_guests_forget

        # "My data": places on party guest lists (issue 27), by the proved address.
        personal_data_section(
            "party_guest_lists", export=scene_guests_export, erase=scene_guests_forget
        )
