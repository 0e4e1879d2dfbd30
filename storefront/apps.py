from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "Catalog and storefront"

    def ready(self) -> None:
        from django.test.signals import setting_changed

        from .caching import caches_clear_on_setting_change

        # Pages and memos in process memory depend on settings; they change only
        # in tests (override_settings), which must never see an old page.
        setting_changed.connect(caches_clear_on_setting_change)
