from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "storefront"
    verbose_name = "Catalog and storefront"

    def ready(self) -> None:
        # Every write to a model a cached page reads purges it (one declared map).
        from shopsocial.invalidation import connect

        connect()
