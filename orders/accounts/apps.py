from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orders.accounts"
    label = "accounts"
    verbose_name = "Accounts and order-status links"

    def ready(self) -> None:
        from . import links  # noqa: F401 - registers the email link builders
