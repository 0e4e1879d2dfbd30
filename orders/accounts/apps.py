from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orders.accounts"
    label = "accounts"
    verbose_name = "Accounts and order-status links"

    def ready(self) -> None:
        from privacy.services.personal_data import personal_data_section

        from . import links  # noqa: F401 - registers the email link builders
        from .services import account_email_export, account_email_forget

        # "My data": the export shows the proved/pending address; erasure forgets it.
        personal_data_section(
            "account_email", export=account_email_export, erase=account_email_forget
        )
