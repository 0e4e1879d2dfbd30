from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "shopsocial.mail"
    label = "mail"
    verbose_name = "Outbound email"

    def ready(self) -> None:
        from shopsocial.metrics import state_gauges_register

        from .selectors import outbox_backlog_gauges

        state_gauges_register(outbox_backlog_gauges)
