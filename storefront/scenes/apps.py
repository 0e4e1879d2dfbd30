"""Social scenes (party orders with host rewards) and the share kit (links, QR codes)."""

from django.apps import AppConfig


class ScenesConfig(AppConfig):
    name = "storefront.scenes"
    label = "scenes"
    verbose_name = "Scenes and share links"

    def ready(self) -> None:
        from privacy.services.personal_data import personal_data_section

        from .guest_services import scene_guests_export, scene_guests_forget

        # "My data": places on party guest lists (issue 27), by the proved address.
        personal_data_section(
            "party_guest_lists", export=scene_guests_export, erase=scene_guests_forget
        )
