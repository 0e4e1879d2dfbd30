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

        # Every process (web, worker, shell) forgets remembered user rows when one
        # is saved or deleted: a password change signs other sessions out at once.
        from django.conf import settings
        from django.db.models.signals import post_delete, post_save

        from shopsocial.user_cache import users_changed

        for signal in (post_save, post_delete):
            signal.connect(users_changed, sender=settings.AUTH_USER_MODEL, weak=False)
