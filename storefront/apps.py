from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "Catalog and storefront"

    def ready(self) -> None:
        from django.test.signals import setting_changed

        # Every write to a model a cached page reads purges it (one declared map).
        from shopsocial.invalidation import connect

        from .caching import caches_clear_on_setting_change

        connect()

        # Memos in process memory depend on settings; they change only
        # in tests (override_settings), which must never see an old page.
        setting_changed.connect(caches_clear_on_setting_change)

        # After each request, close only the caches whose backend needs it.
        from shopsocial.cache import close_caches_lean

        close_caches_lean()
